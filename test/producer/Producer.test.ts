import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { InvalidPartitionKeyError } from '../../src/producer/errors/InvalidPartitionKeyError.js';
import { ItemTooLargeError } from '../../src/producer/errors/ItemTooLargeError.js';
import { ProducerClosedError } from '../../src/producer/errors/ProducerClosedError.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(60_000);

describe('Producer against the embedded Kinesis with limits on', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ limits: true });
  });
  afterAll(() => kinesis.close());

  it('blocks put() while the queue is full and resumes as it drains; close() flushes and waits', async () => {
    const streamName = uniqueStreamName('producer');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // 20 records/s and a queue of 10: the 11th put() must wait for the first call's answer.
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
    for (let i = 0; i < 10; i += 1) await producer.put(i);
    expect(producer.queuedItems).toBe(10);
    // What had been reported when the 11th was accepted: room comes only from an answer, whatever
    // the timing (no fixed wait that a slow answer or a late timer could race).
    const deliveredWhenEleventhAccepted = producer
      .put(10)
      .then(() => reports.filter((report) => report.status === 'delivered').length);
    expect(producer.queuedItems).toBe(10);
    expect(await deliveredWhenEleventhAccepted).toBeGreaterThan(0);
    for (let i = 11; i < 40; i += 1) await producer.put(i);
    await producer.close();
    expect(reports).toHaveLength(40);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    const stored = await readStream(client, streamName, 40);
    expect(stored.map((record) => JSON.parse(record.data) as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    await expect(producer.put(41)).rejects.toBeInstanceOf(ProducerClosedError);
    client.destroy();
  });

  it('close() resolves only after every item of a source that does not await put() has a report', async () => {
    const streamName = uniqueStreamName('unawaited');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    // A small queue, so most put() calls wait for room while close() runs.
    const producer = new Producer<number>({ streamName, client, maxQueueSize: 20, batchSize: 20 });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const total = 2000;
    const accepted: Promise<number>[] = [];
    for (let i = 0; i < total; i += 1) accepted.push(producer.put(i));
    await producer.close();
    expect(reports).toHaveLength(total);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(new Set(reports.map((report) => report.index)).size).toBe(total);
    await expect(Promise.all(accepted)).resolves.toHaveLength(total);
    const stored = await readStream(client, streamName, total);
    expect(stored).toHaveLength(total);
    client.destroy();
  });

  it('send() resolves with the delivery report; bad input rejects at once with a typed error', async () => {
    const streamName = uniqueStreamName('send');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const producer = new Producer<{ id: string; body?: string }>({
      streamName,
      client,
      partitionKey: (item) => item.id,
      maxRecordBytes: 1000,
    });
    const report = await producer.send({ id: 'a' });
    expect(report).toMatchObject({ status: 'delivered', index: 0, partitionKey: 'a', attempts: 1 });
    expect(report.shardId).toMatch(/^shardId-/);
    await expect(producer.put({ id: '' })).rejects.toBeInstanceOf(InvalidPartitionKeyError);
    await expect(producer.put({ id: 'b', body: 'x'.repeat(2000) })).rejects.toMatchObject({
      constructor: ItemTooLargeError,
      context: { itemIndex: 2 },
    });
    await producer.close();
    client.destroy();
  });

  it('rejects flush() with the failure of a put() item', async () => {
    const client = kinesis.createClient();
    // streamWaitTime 0: a missing stream fails at once instead of being waited for.
    const producer = new Producer<number>({
      streamName: uniqueStreamName('missing'),
      client,
      streamWaitTime: 0,
    });
    await producer.put(1);
    await expect(producer.flush()).rejects.toMatchObject({ name: 'DeliveryFailedError' });
    await producer.close();
    client.destroy();
  });

  it('validates options before any I/O', () => {
    expect(() => new Producer({ streamName: 'bad name!' })).toThrow(InvalidOptionError);
    expect(() => new Producer({ streamName: 's', batchSize: 501 })).toThrow(InvalidOptionError);
  });
});
