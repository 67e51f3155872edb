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

  it('makes put() wait while every call slot is taken and a call of records is ready for the next', async () => {
    const streamName = uniqueStreamName('send-bound');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // One call in flight at a time, 5 records a call; the queue itself has room for 100,000.
    const producer = new Producer<number>({ streamName, client, maxInFlightRequests: 1, batchSize: 5 });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    // The shard map is loaded once the first item is delivered.
    await producer.send(-1);
    // Items 0-4 make a call that goes at once; items 5-9 make the next one, ready behind it.
    for (let i = 0; i < 10; i += 1) await producer.put(i);
    expect(producer.queuedItems).toBe(10);
    const deliveredBefore = reports.length;
    // The 11th would only wait longer in the queue: it is accepted once the first call answered.
    const deliveredWhenEleventhAccepted = producer.put(10).then(() => reports.length - deliveredBefore);
    expect(producer.queuedItems).toBe(10);
    expect(await deliveredWhenEleventhAccepted).toBeGreaterThanOrEqual(5);
    for (let i = 11; i < 60; i += 1) await producer.put(i);
    await producer.close();
    expect(reports).toHaveLength(61);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
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
    // A lone surrogate has no UTF-8 form: the key's shard is not defined, so it is refused.
    await expect(producer.put({ id: 'a\uD800' })).rejects.toMatchObject({
      constructor: InvalidPartitionKeyError,
      cause: { message: expect.stringContaining('lone surrogate \\ud800 at position 1') },
    });
    await expect(producer.put({ id: 'b', body: 'x'.repeat(2000) })).rejects.toMatchObject({
      constructor: ItemTooLargeError,
      context: { itemIndex: 3 },
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

describe('Producer against an embedded Kinesis that fails every entry', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ faults: { internalFailureRate: 1 } });
  });
  afterAll(() => kinesis.close());

  it('lets a waiting put() in when a call answers with nothing delivered', async () => {
    const streamName = uniqueStreamName('all-failing');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      maxInFlightRequests: 1,
      batchSize: 5,
      retryLimit: 1,
      // Each retry waits ~1 s (jitter drawn at its top), so the failed five cannot be due again
      // before the freed slot has taken 5-9, however slow a loaded machine makes this process.
      expoBackoff: 1_000,
      random: () => 0.999,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    while (producer.metrics().shardMapRefreshes === 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // 0-4 go in the one call slot, 5-9 are ready behind them: the 11th waits.
    for (let i = 0; i < 10; i += 1) await producer.put(i);
    expect(producer.queuedItems).toBe(10);
    // The first answer fails all five entries (to be retried): nothing is settled, but the freed
    // slot takes 5-9, so the 11th is let in before any item has a report.
    await producer.put(10);
    expect(reports).toHaveLength(0);
    const closing = producer.close();
    await expect(closing).rejects.toThrow();
    expect(reports).toHaveLength(11);
    expect(reports.every((report) => report.status === 'failed')).toBe(true);
    client.destroy();
  });
});
