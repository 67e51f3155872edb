import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { Subject, concatMap, firstValueFrom, interval, lastValueFrom, map, of, range, toArray } from 'rxjs';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from '../producer/support/readStream.js';
import { CaptureLogger } from '../support/captureLogger.js';

jest.setTimeout(120_000);

/** Creates a stream, retrying the harness call when an injected fault hits it. */
async function createStream(kinesis: TestKinesis, name: string, shards: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await kinesis.createStream(name, shards);
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { name?: string }).name === 'ResourceInUseException') {
        if ((error as { name?: string }).name === 'ResourceInUseException') return;
        throw error;
      }
    }
  }
}

interface Item {
  readonly id: number;
  readonly key: string;
}

function delivered<T>(reports: DeliveryReport<T>[]): DeliveredReport<T>[] {
  return reports.filter((report): report is DeliveredReport<T> => report.status === 'delivered');
}

describe('toKinesis() against the embedded Kinesis with limits on', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ limits: true });
  });
  afterAll(() => kinesis.close());

  it('writes 50,000 records into 4 shards, each once, without throttling past the first second', async () => {
    const streamName = uniqueStreamName('produce50k');
    await kinesis.createStream(streamName, 4);
    const client = kinesis.createClient();
    let metrics: ProducerMetricsSnapshot | undefined;
    const started = Date.now();
    const reports = await lastValueFrom(
      range(0, 50_000).pipe(
        map((id): Item => ({ id, key: `user-${id % 997}` })),
        toKinesis<Item>({
          streamName,
          client,
          partitionKey: (item) => item.key,
          maxQueueSize: 50_000,
          metricsObserver: { next: (snapshot) => (metrics = snapshot) },
        }),
        toArray(),
      ),
    );
    const elapsed = Date.now() - started;
    expect(reports).toHaveLength(50_000);
    const ok = delivered(reports);
    expect(ok).toHaveLength(50_000);
    expect(new Set(ok.map((report) => report.index)).size).toBe(50_000);

    const stored = await readStream(client, streamName, 50_000);
    const ids = stored.map((record) => (JSON.parse(record.data) as Item).id);
    expect(ids).toHaveLength(50_000);
    expect(new Set(ids).size).toBe(50_000);
    // Every report names where its item really is.
    const where = new Map(stored.map((record) => [(JSON.parse(record.data) as Item).id, record]));
    for (const report of ok) {
      const record = where.get(report.item.id)!;
      expect([report.shardId, report.sequenceNumber]).toEqual([record.shardId, record.sequenceNumber]);
    }
    // At 4 x 1,000 records/s, 50,000 records need at least ~12 s: the budget was used, not exceeded.
    expect(elapsed).toBeGreaterThan(11_000);
    // The producer paces itself to the shard budget: the server throttled nothing beyond what one
    // second's burst could hold (clock edges between client and server windows).
    expect(kinesis.stats!.throttledPutEntries).toBeLessThanOrEqual(4 * 1000);
    expect(metrics!.totals.throttled).toBe(kinesis.stats!.throttledPutEntries);
    expect(metrics!.totals.items).toBe(50_000);
    client.destroy();
  });

  it('gives a typed non-retriable error when the stream is deleted mid-run', async () => {
    const streamName = uniqueStreamName('deleted');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const seen: DeliveryReport<number>[] = [];
    const reported = new Subject<void>();
    // Deleted once the first report proves the producer is running, however slow the machine; the
    // source never ends, so items are still pending when the deletion is met.
    const firstReport = firstValueFrom(reported);
    const run = lastValueFrom(
      interval(5).pipe(
        toKinesis<number>({ streamName, client, bufferTime: 50 }),
        map((report) => {
          seen.push(report);
          reported.next();
        }),
      ),
    );
    await Promise.race([firstReport, run.catch(() => undefined)]);
    await client.send(new DeleteStreamCommand({ StreamName: streamName }));
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).cause).toBeInstanceOf(StreamNotFoundError);
    expect((error as DeliveryFailedError).retriable).toBe(false);
    expect((error as DeliveryFailedError).items.length).toBeGreaterThan(0);
    client.destroy();
  });

  it('flushTimeoutMs: an afterFlush that never settles ends at the deadline, the stored items reported delivered', async () => {
    const streamName = uniqueStreamName('flushTimeout');
    await kinesis.createStream(streamName, 1);
    const logger = new CaptureLogger();
    // Its own client (endpoint, region, credentials): stopped with the engine at the deadline.
    const reports = await lastValueFrom(
      of(1, 2, 3).pipe(
        toKinesis<number>({
          streamName,
          endpoint: kinesis.endpoint,
          region: kinesis.region,
          credentials: kinesis.credentials,
          logger,
          afterFlush: () => new Promise<void>(() => undefined),
          flushTimeoutMs: 1_000,
        }),
        toArray(),
      ),
    );
    expect(delivered(reports).map((report) => report.item)).toEqual([1, 2, 3]);
    expect(logger.messages('warn')).toEqual(['flush deadline passed: aborting']);
    expect(logger.messages('info')).toContain('producer aborted');
    const client = kinesis.createClient();
    const stored = await readStream(client, streamName, 3);
    client.destroy();
    expect(stored.map((record) => record.data)).toEqual(['1', '2', '3']);
  });
});

describe('toKinesis() against the embedded Kinesis with faults', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis({
      limits: true,
      faults: { internalFailureRate: 0.05, connectionResetRate: 0.05, seed: 7 },
    });
  });
  afterAll(() => kinesis.close());

  /**
   * A client for reading the stream back through the same faults: with more attempts than the
   * default, so that a few resets in a row on one read cannot fail the test.
   */
  const readingClient = () =>
    createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      maxAttempts: 10,
    });

  // Which requests meet a fault depends on how the draws of the seeded sequence line up with the
  // requests, and that depends on timing; batches of 25 make at least 200 PutRecords calls, so that
  // at a 5% reset rate some reset is certain (all 200 escaping would have odds of about 1 in 30,000).
  it('delivers every item under 5% InternalFailure and 5% connection resets, duplicates only where a reset left the outcome unknown', async () => {
    const streamName = uniqueStreamName('faults');
    await createStream(kinesis, streamName, 2);
    const client = kinesis.createClient();
    const count = 5000;
    const reports = await lastValueFrom(
      range(0, count).pipe(
        toKinesis<number>({
          streamName,
          client,
          partitionKey: (id) => `k${id % 50}`,
          batchSize: 25,
          expoBackoff: 20,
        }),
        toArray(),
      ),
    );
    const ok = delivered(reports);
    expect(ok).toHaveLength(count);
    expect(kinesis.stats!.injectedInternalFailures).toBeGreaterThan(0);
    expect(kinesis.stats!.injectedConnectionResets).toBeGreaterThan(0);
    expect(ok.some((report) => report.attempts > 1)).toBe(true);

    const reader = readingClient();
    const stored = await readStream(reader, streamName, count);
    reader.destroy();
    const copies = new Map<number, number>();
    for (const record of stored) {
      const id = JSON.parse(record.data) as number;
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    // Every item is in the stream; Kinesis is at-least-once, so an item may be there twice only
    // if one of its attempts ended without an answer (connection reset) and was sent again.
    expect(copies.size).toBe(count);
    const byIndex = new Map(ok.map((report) => [report.item, report]));
    for (const [id, n] of copies) {
      if (n > 1) expect(byIndex.get(id)!.possibleDuplicate).toBe(true);
    }
    // The report of each item names a record that holds it.
    const sequenceNumbers = new Set(stored.map((record) => record.sequenceNumber));
    for (const report of ok) expect(sequenceNumbers.has(report.sequenceNumber)).toBe(true);
    client.destroy();
  });

  it('keeps per-key order with preserveOrder under injected faults', async () => {
    const streamName = uniqueStreamName('ordered');
    await createStream(kinesis, streamName, 2);
    const client = kinesis.createClient();
    const count = 2000;
    const keyOf = (id: number) => `key-${id % 10}`;
    const reports = await lastValueFrom(
      range(0, count).pipe(
        toKinesis<number>({
          streamName,
          client,
          partitionKey: keyOf,
          preserveOrder: true,
          expoBackoff: 20,
          bufferTime: 20,
        }),
        toArray(),
      ),
    );
    expect(delivered(reports)).toHaveLength(count);
    const reader = readingClient();
    const stored = await readStream(reader, streamName, count);
    reader.destroy();
    // Order per key, by first appearance (a reset may repeat a record right after itself).
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<number>();
    for (const record of stored) {
      const id = JSON.parse(record.data) as number;
      if (seen.has(id)) continue;
      seen.add(id);
      firstSeen.set(record.partitionKey, [...(firstSeen.get(record.partitionKey) ?? []), id]);
    }
    expect(seen.size).toBe(count);
    for (const [key, ids] of firstSeen) {
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids.every((id) => keyOf(id) === key)).toBe(true);
    }
    expect(kinesis.stats!.injectedInternalFailures).toBeGreaterThan(0);
    client.destroy();
  });
});

describe('toKinesis() stream creation', () => {
  it('creates the stream with createStream and createStreamShards', async () => {
    const kinesis = await startTestKinesis();
    const streamName = uniqueStreamName('created');
    const client = kinesis.createClient();
    const reports = await lastValueFrom(
      of('a', 'b', 'c').pipe(
        concatMap((item) => of(item)),
        toKinesis<string>({ streamName, client, createStream: true, createStreamShards: 2 }),
        toArray(),
      ),
    );
    expect(delivered(reports)).toHaveLength(3);
    expect((await readStream(client, streamName)).map((record) => record.data).sort()).toEqual([
      '"a"',
      '"b"',
      '"c"',
    ]);
    client.destroy();
    await kinesis.close();
  });
});
