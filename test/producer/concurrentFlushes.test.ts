import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;
/** Passes the producer's checks (maxRecordBytes raised as for a raised stream) yet Kinesis refuses it: the stream takes 1 MiB. */
const REFUSED = 'x'.repeat(MiB + 1024);

/** Resolves once `reports` has a report for `index`. */
function reportOf(reports: DeliveryReport<string>[], index: number): Promise<DeliveryReport<string>> {
  return new Promise((resolve) => {
    const look = () => {
      const report = reports.find((r) => r.index === index);
      if (report !== undefined) resolve(report);
      else setTimeout(look, 5);
    };
    look();
  });
}

/** The outcome of a promise, without waiting on its rejection later. */
function outcome(promise: Promise<void>): Promise<{ error: unknown } | 'resolved'> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => ({ error }),
  );
}

describe('Producer: concurrent flush() calls take only the failures of the items they cover', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  async function producerOn(
    options: Partial<ProducerOptions<string>> = {},
  ): Promise<{ producer: Producer<string>; reports: DeliveryReport<string>[]; done: () => Promise<void> }> {
    const streamName = uniqueStreamName('concurrent-flushes');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<string>({
      streamName,
      client,
      maxRecordBytes: 2 * MiB,
      putBandwidthLimitPerShard: 10 * 1024,
      bufferTime: 60_000,
      ...options,
    });
    const reports: DeliveryReport<string>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    return {
      producer,
      reports,
      done: async () => {
        await producer.close().catch(() => undefined);
        client.destroy();
      },
    };
  }

  it('an earlier flush resolves though a later one’s item failed first; the later one rejects with it', async () => {
    // Item 0's settlement waits (afterFlush) until item 1 has failed: the first flush is still
    // running when the failure of an item only the second one covers arrives.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { producer, reports, done } = await producerOn({
      afterFlush: ({ delivered }) => (delivered.some((report) => report.index === 0) ? gate : undefined),
    });
    await producer.put('small');
    const first = outcome(producer.flush());
    await producer.put(REFUSED);
    const second = outcome(producer.flush());
    const failed = await reportOf(reports, 1);
    expect(failed.status).toBe('failed');
    release();
    expect(await first).toBe('resolved');
    expect(await second).toEqual({ error: failed.status === 'failed' ? failed.error : undefined });
    await done();
  });

  it('every flush covering a failed item rejects with it, not only the first to finish', async () => {
    const { producer, reports, done } = await producerOn();
    await producer.put(REFUSED);
    const first = outcome(producer.flush());
    await producer.put('small');
    const second = outcome(producer.flush());
    const [a, b] = await Promise.all([first, second]);
    const failed = reports.find((report) => report.index === 0)!;
    expect(failed.status).toBe('failed');
    const error = failed.status === 'failed' ? failed.error : undefined;
    expect(error).toBeDefined();
    expect(a).toEqual({ error });
    expect(b).toEqual({ error });
    expect(reports.find((report) => report.index === 1)?.status).toBe('delivered');
    await done();
  });

  it('a failure while no flush covering it runs rejects the next flush only', async () => {
    const { producer, reports, done } = await producerOn({ bufferTime: 10 });
    await producer.put(REFUSED);
    const failed = await reportOf(reports, 0);
    expect(failed.status).toBe('failed');
    await expect(producer.flush()).rejects.toBe(failed.status === 'failed' ? failed.error : undefined);
    await producer.put('small');
    await expect(producer.flush()).resolves.toBeUndefined();
    await done();
  });

  it('a flush whose last put() before it was refused as bad input does not wait for an item put after it', async () => {
    // The item put after the flush is held by afterFlush until the end: a flush that waited for it
    // would not resolve.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { producer, reports, done } = await producerOn({
      partitionKey: (item) => (item === 'bad' ? '' : 'key'),
      afterFlush: ({ delivered }) => (delivered.some((report) => report.item === 'later') ? gate : undefined),
    });
    // Once the shard map is known, an item is sent as soon as a flush asks (not with later ones).
    await producer.put('warm-up');
    await producer.flush();
    await producer.put('first');
    await expect(producer.put('bad')).rejects.toThrow('partition key');
    const flushed = outcome(producer.flush());
    await producer.put('later');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      flushed,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still waiting after 20 s'), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(result).toBe('resolved');
    expect(reports.find((report) => report.item === 'first')?.status).toBe('delivered');
    release();
    await done();
  });
  it('a flush with a put() before it waiting for room does not wait for an item put after it', async () => {
    // Two items fill the queue; a put() waits for room before the flush() and one after it. Room
    // for both comes while the flush runs; the item put after it is held by afterFlush until the
    // end: a flush that waited for it would not resolve.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { producer, reports, done } = await producerOn({
      maxQueueSize: 2,
      batchSize: 1,
      afterFlush: ({ delivered }) => (delivered.some((report) => report.item === 'later') ? gate : undefined),
    });
    await producer.put('warm-up');
    await producer.flush();
    await producer.put('first');
    await producer.put('second');
    const waited = producer.put('waiting');
    const flushed = outcome(producer.flush());
    const later = producer.put('later');
    await Promise.all([waited, later]);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      flushed,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still waiting after 20 s'), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(result).toBe('resolved');
    expect(reports.find((report) => report.item === 'waiting')?.status).toBe('delivered');
    expect(reports.find((report) => report.item === 'later')).toBeUndefined();
    release();
    await done();
  });
  it('a flush waiting for a put() before it that waits for room ends when the producer is aborted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { producer, done } = await producerOn({ maxQueueSize: 1, afterFlush: () => gate });
    await producer.put('first');
    const waited = outcome(producer.put('waiting').then(() => undefined));
    const flushed = outcome(producer.flush());
    const closed = producer.close({ abort: true });
    release();
    await closed;
    expect(await waited).toEqual({ error: expect.objectContaining({ name: 'ProducerAbortedError' }) });
    expect(await flushed).toEqual({ error: expect.objectContaining({ name: 'ProducerAbortedError' }) });
    await done();
  });
});
