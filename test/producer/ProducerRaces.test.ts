import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerClosedError } from '../../src/producer/errors/ProducerClosedError.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(60_000);

describe('Producer: put(), flush() and close() called over one another', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  it('settles every call once: empty flush, concurrent flushes, close during a flush, close twice, put after close', async () => {
    const streamName = uniqueStreamName('races');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, bufferTime: 50, maxQueueSize: 5 });
    const reports: DeliveryReport<number>[] = [];
    let completed = false;
    producer.reports$.subscribe({
      next: (report) => reports.push(report),
      complete: () => (completed = true),
    });

    await producer.flush(); // nothing pending: resolves
    // Not awaited: with room for 5, the others wait for room.
    const puts = Array.from({ length: 10 }, (_, i) => producer.put(i));
    const flushes = [producer.flush(), producer.flush()];
    const laterPuts = Array.from({ length: 10 }, (_, i) => producer.put(10 + i));
    const closes = [producer.close(), producer.close()];
    expect(closes[0]).toBe(closes[1]);
    await expect(producer.put(99)).rejects.toBeInstanceOf(ProducerClosedError);
    await expect(producer.send(99)).rejects.toBeInstanceOf(ProducerClosedError);

    await Promise.all([...flushes, ...closes]);
    expect(await Promise.all([...puts, ...laterPuts])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // close() resolved after every item put before it had its report; reports$ then completed.
    expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(completed).toBe(true);
    await producer.flush(); // after close: nothing pending
    const stored = await readStream(client, streamName, 20);
    expect(stored).toHaveLength(20);
    client.destroy();
  });
});
