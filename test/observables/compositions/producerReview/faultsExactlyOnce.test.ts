// Producer and toKinesis() against a local Kinesis that throttles (a low per-shard record rate),
// answers 500s, fails entries with InternalFailure, resets connections before and after writing:
// every item settles exactly once (one report per index, no duplicates), an item stored twice is
// reported as a possible duplicate, and the operator ends only after its every report.
import { concat, from, lastValueFrom, mergeMap, throwError, toArray } from 'rxjs';
import { createKinesisClient } from '../../../../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { jsonProcessor, kplJsonProcessor } from '../../../../src/processors/namedProcessors.js';
import { kplAggregator } from '../../../../src/processors/aggregators/kplAggregator.js';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { DeliveryRetryLimitError } from '../../../../src/producer/errors/DeliveryRetryLimitError.js';
import { Producer } from '../../../../src/producer/Producer.js';
import type { ProducerOptions } from '../../../../src/producer/ProducerOptions.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis({
  limits: { writeRecordsPerSecond: 300 },
  faults: {
    internalFailureRate: 0.1,
    serverErrorRate: 0.05,
    connectionResetRate: 0.03,
    resetAfterWriteRate: 0.03,
    seed: 11,
  },
});

/** Creates a stream through the faults: a reset or a 500 on the way is tried again. */
async function createStream(name: string, shards: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await kinesis.createStream(name, shards);
      return;
    } catch (error) {
      // An earlier attempt created it, and its answer was lost.
      if ((error as { name?: string }).name === 'ResourceInUseException') return;
      if (attempt >= 5) throw error;
    }
  }
}

function ids(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** How often each id is stored in the stream (plain JSON records or KPL records of JSON). */
async function storedCopies(
  streamName: string,
  expected: number,
  kpl: boolean,
): Promise<Map<number, number>> {
  // More attempts than the default, so that a few faults in a row on one read cannot fail the test.
  const client = createKinesisClient({
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    maxAttempts: 10,
  });
  const records = await readStream(client, streamName, expected);
  client.destroy();
  const copies = new Map<number, number>();
  const add = (text: string) => {
    const id = JSON.parse(text) as number;
    copies.set(id, (copies.get(id) ?? 0) + 1);
  };
  const aggregator = kplAggregator();
  for (const record of records) {
    if (!kpl) add(record.data);
    else
      for (const entry of aggregator.deaggregate({ data: record.bytes, partitionKey: record.partitionKey }))
        add(Buffer.from(entry.data).toString('utf8'));
  }
  return copies;
}

/** One report per index, each index of `expected` once. */
function expectOneReportEach(reports: readonly DeliveryReport<number>[], expected: number[]): void {
  const indexes = reports.map((report) => report.item).sort((a, b) => a - b);
  expect(indexes).toEqual(expected);
}

/** Every delivered item is stored; one stored more than once was reported as a possible duplicate. */
function expectStoredAsReported(
  reports: readonly DeliveryReport<number>[],
  copies: Map<number, number>,
): void {
  for (const report of reports) {
    if (report.status !== 'delivered') continue;
    const stored = copies.get(report.item) ?? 0;
    expect({ item: report.item, stored: stored >= 1 }).toEqual({ item: report.item, stored: true });
    if (stored > 1)
      expect({ item: report.item, possibleDuplicate: report.possibleDuplicate }).toEqual({
        item: report.item,
        possibleDuplicate: true,
      });
  }
}

describe('under throttling, 500s, InternalFailure and connection resets', () => {
  const common = (streamName: string, kpl: boolean): ProducerOptions<number> => ({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    processor: kpl ? kplJsonProcessor<number>() : jsonProcessor<number>(),
    partitionKey: (id) => `k${id % 13}`,
    bufferTime: 20,
    batchSize: 100,
    expoBackoff: 20,
    expoBackoffLimit: 200,
    // Faster than the stream's 300 records/s: some entries are throttled and retried.
    putRateLimitPerShard: 1000,
  });

  for (const kpl of [false, true]) {
    it(`Producer (${kpl ? 'KPL' : 'one item per record'}): every put() item reported once, delivered, stored`, async () => {
      const streamName = uniqueStreamName('faults');
      await createStream(streamName, 2);
      const producer = new Producer<number>(common(streamName, kpl));
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      const sends = ids(0, 20).map((id) => producer.send(id));
      for (const id of ids(20, 580)) await producer.put(id);
      await producer.flush();
      const sent = await Promise.all(sends);
      await producer.close();
      expect(sent.map((report) => report.index)).toEqual(ids(0, 20));
      expectOneReportEach(reports, ids(0, 600));
      expect(reports.every((report) => report.status === 'delivered')).toBe(true);
      // 600 records at a 10% InternalFailure rate and throttled: some are sent more than once.
      if (!kpl)
        expect(reports.some((report) => report.status === 'delivered' && report.attempts > 1)).toBe(true);
      expectStoredAsReported(reports, await storedCopies(streamName, kpl ? 1 : 600, kpl));
    });
  }

  it('toKinesis() with retryLimit 1, onFailure emit: one report per item, delivered or DeliveryRetryLimitError', async () => {
    const streamName = uniqueStreamName('faults');
    await createStream(streamName, 1);
    const reports: DeliveryReport<number>[] = [];
    let reportsAtEnd = -1;
    await new Promise<void>((resolve, reject) =>
      from(ids(0, 800))
        .pipe(toKinesis<number>({ ...common(streamName, false), retryLimit: 1, onFailure: 'emit' }))
        .subscribe({
          next: (report) => reports.push(report),
          error: reject,
          complete: () => {
            reportsAtEnd = reports.length;
            resolve();
          },
        }),
    );
    // The source completed at once; the output only after the last report.
    expect(reportsAtEnd).toBe(800);
    expectOneReportEach(reports, ids(0, 800));
    const failed = reports.filter((report) => report.status === 'failed');
    for (const report of failed) expect(report.error).toBeInstanceOf(DeliveryRetryLimitError);
    // 1,000 records/s offered to a 300 records/s shard, one retry: some are given up.
    expect(failed.length).toBeGreaterThan(0);
    expectStoredAsReported(reports, await storedCopies(streamName, 800 - failed.length, false));
  });

  it('toKinesis(): a source error mid-batch comes after a report for each accepted item, unchanged', async () => {
    const streamName = uniqueStreamName('faults');
    await createStream(streamName, 2);
    const boom = new Error('source broke');
    const reports: DeliveryReport<number>[] = [];
    const outcome = await new Promise<unknown>((resolve) =>
      concat(
        from(ids(0, 250)),
        throwError(() => boom),
      )
        .pipe(toKinesis<number>(common(streamName, true)))
        .subscribe({
          next: (report) => reports.push(report),
          error: (error: unknown) => resolve(error),
          complete: () => resolve('completed'),
        }),
    );
    expect(outcome).toBe(boom);
    expectOneReportEach(reports, ids(0, 250));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expectStoredAsReported(reports, await storedCopies(streamName, 1, true));
  });

  it('toKinesis() reports arrive for every item even when several run into one stream at once (mergeMap)', async () => {
    const streamName = uniqueStreamName('faults');
    await createStream(streamName, 2);
    const reports = await lastValueFrom(
      from([ids(0, 150), ids(150, 150), ids(300, 150)]).pipe(
        mergeMap((batch) => from(batch).pipe(toKinesis<number>(common(streamName, false)))),
        toArray(),
      ),
    );
    expectOneReportEach(reports, ids(0, 450));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expectStoredAsReported(reports, await storedCopies(streamName, 450, false));
  });
});
