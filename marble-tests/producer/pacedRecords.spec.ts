// Aggregated records under a shard's byte budget, in virtual time: each record takes just under
// half the budget and a busy shard's records go evenly spaced, so that a server that meters the
// shard continuously (as Kinesis does) throttles none of them when they arrive a little early or
// late, and two of them fill 99.5 % of the budget each second.
import { map, take, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { FakeKinesis } from './support/fakeKinesis.js';

/** Bytes per second of the shard in these tests (putBandwidthLimitPerShard: 10 KiB/s). */
const BUDGET = 10 * 1024;
/** A line of 11 bytes (`"xxxxxxxx"` and a newline): 463 of them and the 1-byte key make 5,094. */
const LINE = 'x'.repeat(8);
const LINE_BYTES = 11;

interface Run {
  reports: DeliveryReport<string>[];
  fake: FakeKinesis;
  /** Entries the metering answered with ProvisionedThroughputExceededException. */
  throttled: number;
  completedAt: number;
}

/**
 * `count` lines, one every `everyMs`, into one shard metered at BUDGET bytes/s. The server meters
 * like Kinesis: a bucket of one second's bytes, refilled continuously, each call metered when it
 * arrives, `arrivalJitter(call)` ms after it was sent.
 */
function run(
  count: number,
  everyMs: number,
  arrivalJitter: (call: number) => number,
  options: Partial<ToKinesisOptions<string>> = {},
  serverBudget = BUDGET,
): Run {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const reports: DeliveryReport<string>[] = [];
  let completedAt = -1;
  let throttled = 0;
  let fake!: FakeKinesis;
  let level = serverBudget;
  let meteredAt = 0;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, {
      entryFault: ({ partitionKey, data, call }) => {
        const at = scheduler.now() + arrivalJitter(call);
        level = Math.min(serverBudget, level + (Math.max(0, at - meteredAt) * serverBudget) / 1000);
        meteredAt = Math.max(meteredAt, at);
        const size = Buffer.byteLength(data) + Buffer.byteLength(partitionKey);
        if (level < size) {
          throttled += 1;
          return 'ProvisionedThroughputExceededException';
        }
        level -= size;
        return undefined;
      },
    });
    timer(0, everyMs)
      .pipe(
        take(count),
        map(() => LINE),
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          random: () => 0.5,
          processor: jsonLineProcessor(),
          putBandwidthLimitPerShard: BUDGET / 1024,
          maxQueueSize: count,
          // Records close full, not part-filled by bufferTime while the first one is answered.
          bufferTime: 60_000,
          ...options,
        }),
      )
      .subscribe({
        next: (report) => reports.push(report),
        complete: () => (completedAt = scheduler.now()),
      });
  });
  return { reports, fake, throttled, completedAt };
}

/** Bytes the server stored (data and key) in calls sent from `from` (inclusive) to `to` (exclusive). */
function storedBytes(fake: FakeKinesis, from: number, to: number): number {
  let bytes = 0;
  for (const call of fake.calls) {
    if (call.time < from || call.time >= to) continue;
    for (const record of call.records) {
      if (record.outcome.startsWith('shardId')) bytes += Buffer.byteLength(record.data) + 1;
    }
  }
  return bytes;
}

describe('aggregated records under a shard byte budget', () => {
  it('fill 99.5 % of the budget each second, two records of just under half of it', () => {
    // 6,000 lines every ms (11 bytes/ms against a budget of 10.24): the shard is the bound.
    const { reports, fake, throttled } = run(6_000, 1, () => 0);
    expect(throttled).toBe(0);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(6_000);
    const full = 463 * LINE_BYTES + 1;
    const sizes = fake.stored.map((record) => Buffer.byteLength(record.data) + 1);
    expect(sizes.slice(0, -1)).toEqual(new Array<number>(sizes.length - 1).fill(full));
    // In steady state (after the first second, before the input ends at 6 s), each second stores
    // two full records: 10,188 of 10,240 bytes.
    for (let second = 1; second < 5; second += 1) {
      expect(storedBytes(fake, second * 1000 + 463, (second + 1) * 1000 + 463)).toBe(2 * full);
    }
  });

  it('go evenly spaced, never two of one shard at once', () => {
    const { fake } = run(6_000, 1, () => 0);
    const times = fake.calls.map((call) => call.time);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // A full record spends 5,094 of the 10,240 bytes of the pace: the next waits ~497 ms for
    // its own share to come back, the one after that for the first to leave the last second.
    for (const gap of gaps.slice(0, -1)) expect(gap).toBeGreaterThanOrEqual(490);
    expect(gaps.slice(0, -1).every((gap) => gap <= 510)).toBe(true);
  });

  it('are not throttled when they reach the server up to a quarter second early or late', () => {
    // Each call arrives 0 to 250 ms after it was sent, in no order: a record that took a whole
    // second's budget would find the server short by whatever the previous one was late.
    const jitter = (call: number) => (call * 97) % 251;
    const { reports, throttled, fake } = run(6_000, 1, jitter);
    expect(throttled).toBe(0);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(6_000);
    expect(storedBytes(fake, 1463, 4463)).toBe(6 * (463 * LINE_BYTES + 1));
  });

  it('let a small record follow a full one after its own share of the pace only', () => {
    // 470 lines: one full record (463) at once, then the 7 left closed by the end of the input.
    const { fake, completedAt } = run(470, 0, () => 0);
    const times = fake.calls.map((call) => call.time);
    expect(fake.stored.map((record) => record.data.split('\n').length - 1)).toEqual([463, 7]);
    expect(times[0]).toBe(0);
    // 78 bytes (7 lines and the key) wait for 78 - 46 of the pace's bytes (5,140 - 5,094 left
    // of a full pace): 4 ms at 10.24 bytes per ms, not another half second.
    expect(times[1]).toBeLessThan(10);
    expect(completedAt).toBeLessThan(30);
  });

  it('fill maxRecordBytes when the bandwidth limit is raised past what a record holds', () => {
    // 1 MiB/s per shard: half of it is more than a 4 KiB record, so records fill maxRecordBytes.
    const { fake, throttled } = run(
      2_000,
      0,
      () => 0,
      { putBandwidthLimitPerShard: 1024, maxRecordBytes: 4096 },
      1024 * 1024,
    );
    expect(throttled).toBe(0);
    const lines = fake.stored.map((record) => record.data.split('\n').length - 1);
    // 372 lines of 11 bytes and the key: 4,093 bytes, the most within 4,096.
    expect(lines.slice(0, -1).every((count) => count === 372)).toBe(true);
  });
});
