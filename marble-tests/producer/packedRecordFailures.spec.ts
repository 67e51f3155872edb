// Aggregated (packed) records through whole-call refusals, per-entry failures, retry limits and
// resharding, in virtual time: every item is reported once, with its record's shard, sequence
// number, its own position, and the record's attempts and possibleDuplicate.
import { TestScheduler } from 'rxjs/testing';
import { from } from 'rxjs';
import { ShardMap } from '../../src/kinesis/ShardMap.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import {
  awsError,
  connectionReset,
  evenShards,
  FakeKinesis,
  type FakeKinesisOptions,
} from './support/fakeKinesis.js';

function produce(
  count: number,
  fakeOptions: FakeKinesisOptions,
  options: Partial<ToKinesisOptions<number>>,
  setup?: (fake: FakeKinesis, scheduler: TestScheduler) => void,
): { reports: DeliveryReport<number>[]; fake: FakeKinesis; errors: unknown[]; completed: boolean } {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<number>[] = [];
  const errors: unknown[] = [];
  let completed = false;
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, fakeOptions);
    setup?.(fake, scheduler);
    from(Array.from({ length: count }, (_, i) => i))
      .pipe(
        toKinesis<number>({
          streamName: 'orders',
          client: fake.client,
          processor: jsonLineProcessor<number>(),
          partitionKey: (i) => `k${i % 5}`,
          random: () => 0.5,
          expoBackoff: 10,
          // Records of about 10 lines: many records per call.
          maxRecordBytes: 40,
          onFailure: 'emit',
          ...options,
        }),
      )
      .subscribe({
        next: (report) => reports.push(report),
        error: (error: unknown) => errors.push(error),
        complete: () => (completed = true),
      });
  });
  return { reports, fake, errors, completed };
}

/** Checks each delivered report against the record the fake stored under its sequence number. */
function expectReportsMatchStored(fake: FakeKinesis, reports: DeliveryReport<number>[]): void {
  const bySequence = new Map<string, { shard: string; lines: string[] }>();
  let sequence = 0;
  for (const call of fake.calls) {
    for (const record of call.records) {
      if (!record.outcome.startsWith('shardId')) continue;
      sequence += 1;
      bySequence.set(String(sequence), {
        shard: record.outcome,
        lines: record.data.split('\n').slice(0, -1),
      });
    }
  }
  for (const report of reports) {
    if (report.status !== 'delivered') continue;
    const stored = bySequence.get(report.sequenceNumber)!;
    expect(stored.shard).toBe(report.shardId);
    expect(stored.lines[report.subSequenceNumber!]).toBe(String(report.item));
  }
}

function onceEach(reports: DeliveryReport<number>[], count: number): void {
  expect(reports.map((report) => report.index).sort((a, b) => a - b)).toEqual(
    Array.from({ length: count }, (_, i) => i),
  );
  for (const report of reports) expect(report.item).toBe(report.index);
}

describe('packed records', () => {
  it('split in halves after a whole-call refusal: each item keeps its position; attempts count the halves only', () => {
    const { reports, fake, completed } = produce(
      60,
      { requestFault: (call) => (call === 1 ? awsError('ValidationException', 400) : undefined) },
      // One call at a time: the first full record goes alone, the next call holds the others.
      { maxInFlightRequests: 1 },
    );
    expect(completed).toBe(true);
    onceEach(reports, 60);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect((reports as DeliveredReport<number>[]).every((report) => report.attempts === 1)).toBe(true);
    expect(fake.calls[1]!.records.length).toBeGreaterThan(2);
    expect(fake.calls.length).toBeGreaterThan(3);
    expectReportsMatchStored(fake, reports);
  });

  it('retried records keep their items; a record given up fails all its items once, with the retry limit error', () => {
    // Records holding item 7 always fail; those holding item 23 fail twice then pass.
    const { reports, fake } = produce(
      60,
      {
        entryFault: ({ data, attempt }) => {
          const lines = data.split('\n');
          if (lines.includes('7')) return 'InternalFailure';
          if (lines.includes('23') && attempt <= 2) return 'InternalFailure';
          return undefined;
        },
      },
      { retryLimit: 3 },
    );
    onceEach(reports, 60);
    const failed = reports.filter((report) => report.status === 'failed');
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.map((report) => report.item)).toContain(7);
    for (const report of failed)
      expect(report.status === 'failed' && report.error).toBeInstanceOf(DeliveryRetryLimitError);
    const error = (failed[0] as unknown as { error: DeliveryRetryLimitError }).error;
    expect(error.attempts).toBe(4);
    expect(
      error.items.map((entry: { index: number }) => entry.index).sort((a: number, b: number) => a - b),
    ).toEqual(failed.map((report) => report.index).sort((a, b) => a - b));
    const late = (reports as DeliveredReport<number>[]).find((report) => report.item === 23)!;
    expect(late.attempts).toBe(3);
    expect(late.possibleDuplicate).toBe(false);
    expectReportsMatchStored(fake, reports);
  });

  it('after a reset: every item of the retried records is a possible duplicate, the others are not', () => {
    const { reports, fake } = produce(
      60,
      { requestFault: (call) => (call === 0 ? connectionReset() : undefined) },
      {},
    );
    onceEach(reports, 60);
    const delivered = reports as DeliveredReport<number>[];
    const retried = delivered.filter((report) => report.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const report of delivered) expect(report.possibleDuplicate).toBe(report.attempts > 1);
    expectReportsMatchStored(fake, reports);
  });

  it('a resharding during the run: packed records stored in the children are reported there', () => {
    const { reports, fake } = produce(
      200,
      { latencyMs: 30, entryFault: ({ attempt }) => (attempt === 1 ? 'InternalFailure' : undefined) },
      { bufferTime: 5 },
      (fakeKinesis, scheduler) => {
        scheduler.schedule(() => {
          fakeKinesis.listed = evenShards(2, 'shardId-child-');
          fakeKinesis.routing = ShardMap.fromShards(fakeKinesis.listed);
        }, 20);
      },
    );
    onceEach(reports, 200);
    const delivered = reports as DeliveredReport<number>[];
    expect(delivered.every((report) => report.shardId.startsWith('shardId-child-'))).toBe(true);
    expectReportsMatchStored(fake, reports);
  });

  it('preserveOrder: packed items of each key reach the stream in the order given, across retries', () => {
    // Every record's first attempt fails once in three calls; items of five keys, lanes of two shards.
    const { reports, fake } = produce(
      300,
      {
        shards: 2,
        entryFault: ({ attempt, call }) => (attempt === 1 && call % 3 === 0 ? 'InternalFailure' : undefined),
      },
      { preserveOrder: true, bufferTime: 5 },
    );
    onceEach(reports, 300);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect((reports as DeliveredReport<number>[]).some((report) => report.attempts > 1)).toBe(true);
    const perKey = new Map<number, number[]>();
    for (const record of fake.stored) {
      for (const line of record.data.split('\n').slice(0, -1)) {
        const id = Number(line);
        const list = perKey.get(id % 5) ?? [];
        list.push(id);
        perKey.set(id % 5, list);
      }
    }
    for (const [key, list] of perKey) {
      expect(list).toEqual(Array.from({ length: 60 }, (_, i) => key + 5 * i));
    }
    expectReportsMatchStored(fake, reports);
  });
});
