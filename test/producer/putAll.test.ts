import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { ItemTooLargeError } from '../../src/producer/errors/ItemTooLargeError.js';
import { ProducerClosedError } from '../../src/producer/errors/ProducerClosedError.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(60_000);

function* numbers(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i += 1) yield i;
}

describe('Producer.putAll() against the embedded Kinesis with limits on', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ limits: true });
  });
  afterAll(() => kinesis.close());

  it('takes every item it can at once, waits for room as put() does, and keeps the order', async () => {
    const streamName = uniqueStreamName('put-all');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // 20 records/s and a queue of 10: most of the 40 items wait for a call's answer. One call at
    // a time (preserveOrder): reports and the stream then follow the order the items were taken
    // in; with several calls in flight, answers (and so reports) may come in another order.
    const producer = new Producer<number>({
      streamName,
      client,
      preserveOrder: true,
      maxQueueSize: 10,
      putRateLimitPerShard: 20,
      batchSize: 10,
      bufferTime: 10,
    });
    const reports: DeliveryReport<number>[] = [];
    let mostQueued = 0;
    producer.reports$.subscribe((report) => {
      reports.push(report);
      mostQueued = Math.max(mostQueued, producer.queuedItems);
    });
    // The first item waits for the shard map; once it is delivered, the map is there.
    await producer.send(-1);
    const putting = producer.putAll(numbers(0, 40));
    // The ten that fit are accepted before putAll() first waits: no turn of the event loop each.
    expect(producer.queuedItems).toBe(10);
    await expect(putting).resolves.toBe(40);
    await producer.close();
    expect(mostQueued).toBeLessThanOrEqual(10);
    expect(reports.map((report) => report.status === 'delivered' && report.item)).toEqual([
      -1,
      ...numbers(0, 40),
    ]);
    const stored = await readStream(client, streamName, 41);
    expect(stored.map((record) => JSON.parse(record.data) as number)).toEqual([-1, ...numbers(0, 40)]);
    client.destroy();
  });

  it('rejects with the typed error of a bad item: the items before it are delivered, none after it', async () => {
    const streamName = uniqueStreamName('put-all-bad');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<string>({ streamName, client, maxRecordBytes: 1000 });
    const reports: DeliveryReport<string>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const tooLarge = 'x'.repeat(2000);
    const items = ['a', 'b', tooLarge, 'c'];
    await expect(producer.putAll(items)).rejects.toMatchObject({
      constructor: ItemTooLargeError,
      item: tooLarge,
      context: { itemIndex: 2 },
    });
    await producer.close();
    expect(reports.map((report) => [report.status, report.item])).toEqual([
      ['delivered', 'a'],
      ['delivered', 'b'],
    ]);
    const stored = await readStream(client, streamName, 2);
    expect(stored.map((record) => JSON.parse(record.data) as string)).toEqual(['a', 'b']);
    client.destroy();
  });

  it('goes after put() calls already waiting, and a failing iterable rejects with its own error', async () => {
    const streamName = uniqueStreamName('put-all-order');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      maxQueueSize: 5,
      putRateLimitPerShard: 20,
      batchSize: 5,
      bufferTime: 10,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    await producer.send(-1);
    // 0-4 fill the queue; 5 and 6 wait for room, unawaited.
    const waiting = [...numbers(0, 7)].map((i) => producer.put(i));
    const broken = new Error('the source failed');
    function* failing(): Generator<number> {
      yield* numbers(7, 12);
      throw broken;
    }
    await expect(producer.putAll(failing())).rejects.toBe(broken);
    await expect(Promise.all(waiting)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7]);
    await producer.close();
    expect(reports.map((report) => report.status === 'delivered' && report.item)).toEqual([
      -1,
      ...numbers(0, 12),
    ]);
    client.destroy();
  });

  it('rejects with ProducerClosedError once close() is called, after the items it had put', async () => {
    const streamName = uniqueStreamName('put-all-close');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      maxQueueSize: 10,
      putRateLimitPerShard: 20,
      batchSize: 10,
      bufferTime: 10,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    await producer.send(-1);
    const putting = producer.putAll(numbers(0, 1000));
    // Closed while putAll() waits for room: the waiting item is still delivered (close() takes
    // put() calls waiting for room), the next one is refused.
    const closed = producer.close();
    await expect(putting).rejects.toBeInstanceOf(ProducerClosedError);
    await closed;
    expect(reports.map((report) => report.status === 'delivered' && report.item)).toEqual([
      -1,
      ...numbers(0, 11),
    ]);
    client.destroy();
  });

  it('rejects with ProducerAbortedError when close({ abort: true }) refuses the item it waits with', async () => {
    const streamName = uniqueStreamName('put-all-abort');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, maxQueueSize: 10, batchSize: 10 });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    await producer.send(-1);
    const putting = producer.putAll(numbers(0, 1000));
    await producer.close({ abort: true });
    await expect(putting).rejects.toBeInstanceOf(ProducerAbortedError);
    // The ten accepted before it waited each have one report; the waiting one has none (refused).
    expect(reports.map((report) => report.item)).toEqual([-1, ...numbers(0, 10)]);
    client.destroy();
  });
});
