import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Producer } from '../../src/producer/Producer.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

jest.setTimeout(60_000);

describe('Producer failures between flushes', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  it('keeps only the failure flush() will reject with, not every failed item since the last flush', async () => {
    const client = kinesis.createClient();
    // A stream that never comes: once streamWaitTime has passed, every item fails.
    const producer = new Producer<{ payload: string }>({
      streamName: uniqueStreamName('never'),
      client,
      partitionKey: 'k',
      streamWaitTime: 200,
    });
    const failed: number[] = [];
    const firstFailed = new Promise<void>((resolve) =>
      producer.reports$.subscribe((report) => {
        failed.push(report.index);
        resolve();
      }),
    );
    await producer.put({ payload: 'first' });
    await firstFailed;
    // Made and put in a function of its own, so that no variable of this test holds the item.
    const putLater = (): { accepted: Promise<number>; later: WeakRef<object> } => {
      const item = { payload: 'x'.repeat(1000) };
      return { accepted: producer.put(item), later: new WeakRef(item) };
    };
    const { accepted, later } = putLater();
    await accepted;
    expect(failed).toEqual([0, 1]);
    await nextTurn();
    collectGarbage();
    await nextTurn();
    // Nothing needs the second failed item any more: the next flush() rejects with the first failure.
    expect(later.deref()).toBeUndefined();
    const error = await producer.flush().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).items.map((item) => item.index)).toEqual([0]);
    await producer.close();
    client.destroy();
  });
});
