import type { Shard } from '@aws-sdk/client-kinesis';
import { from, map, mergeMap, of, take, timer } from 'rxjs';
import { ShardMap } from '../../src/kinesis/ShardMap.js';
import { TestScheduler } from 'rxjs/testing';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import {
  jsonLineProcessor,
  jsonProcessor,
  kplStringProcessor,
} from '../../src/processors/namedProcessors.js';
import { createProcessor } from '../../src/processors/Processor.js';
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import { InvalidExplicitHashKeyError } from '../../src/producer/errors/InvalidExplicitHashKeyError.js';
import { InvalidPartitionKeyError } from '../../src/producer/errors/InvalidPartitionKeyError.js';
import { ItemSerializationError } from '../../src/producer/errors/ItemSerializationError.js';
import { ItemTooLargeError } from '../../src/producer/errors/ItemTooLargeError.js';
import { QueueFullError } from '../../src/producer/errors/QueueFullError.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import {
  awsError,
  connectionReset,
  evenShards,
  FakeKinesis,
  type FakeKinesisOptions,
} from './support/fakeKinesis.js';

interface Event<T> {
  time: number;
  report?: DeliveryReport<T>;
  error?: unknown;
  complete?: true;
}

/** Runs `items` through toKinesis() on a TestScheduler and records every event with its virtual time. */
function produce<T = string>(
  items: T[],
  fakeOptions: FakeKinesisOptions,
  options: Partial<ToKinesisOptions<T>>,
  setup?: (fake: FakeKinesis, scheduler: TestScheduler) => void,
): { events: Event<T>[]; fake: FakeKinesis } {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const events: Event<T>[] = [];
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, fakeOptions);
    setup?.(fake, scheduler);
    of(...items)
      .pipe(
        toKinesis<T>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          random: () => 0.5,
          ...options,
        }),
      )
      .subscribe({
        next: (report) => events.push({ time: scheduler.now(), report }),
        error: (error: unknown) => events.push({ time: scheduler.now(), error }),
        complete: () => events.push({ time: scheduler.now(), complete: true }),
      });
  });
  return { events, fake };
}

const callLog = (fake: FakeKinesis) =>
  fake.calls.map((call) => [call.time, call.records.map((record) => record.data)]);
const delivered = <T>(events: Event<T>[]) =>
  events
    .filter((event) => event.report?.status === 'delivered')
    .map((event) => event.report as DeliveredReport<T>);

describe('retries in virtual time', () => {
  it('re-sends only the failed entries, after full-jitter exponential back-off', () => {
    // random() = 0.5: the first retry waits 0.5 * 100 ms, the second 0.5 * 200 ms.
    const { events, fake } = produce(
      ['a', 'b'],
      {
        entryFault: ({ data, attempt }) => (data === '"b"' && attempt <= 2 ? 'InternalFailure' : undefined),
      },
      { expoBackoff: 100 },
    );
    expect(callLog(fake)).toEqual([
      [0, ['"a"', '"b"']],
      [60, ['"b"']],
      [170, ['"b"']],
    ]);
    expect(
      events.map((event) => [event.time, event.report?.item, event.report?.status, event.complete]),
    ).toEqual([
      [10, 'a', 'delivered', undefined],
      [180, 'b', 'delivered', undefined],
      [180, undefined, undefined, true],
    ]);
    expect(delivered(events).map((report) => report.attempts)).toEqual([1, 3]);
  });

  it('caps the back-off ceiling at expoBackoffLimit', () => {
    const { fake } = produce(
      ['a'],
      {
        entryFault: ({ attempt }) => (attempt <= 4 ? 'InternalFailure' : undefined),
      },
      { expoBackoff: 100, expoBackoffLimit: 150, random: () => 0.999 },
    );
    const times = fake.calls.map((call) => call.time);
    const waits = times.slice(1).map((time, i) => time - times[i]! - 10);
    expect(waits.map(Math.round)).toEqual([100, 150, 150, 150]);
  });

  it('fails items with DeliveryRetryLimitError carrying them once retryLimit is used up', () => {
    const { events, fake } = produce(
      ['a', 'b'],
      {
        entryFault: ({ data }) => (data === '"b"' ? 'InternalFailure' : undefined),
      },
      { retryLimit: 2 },
    );
    expect(fake.calls).toHaveLength(3);
    const last = events[events.length - 1]!;
    expect(last.time).toBe(180);
    expect(last.error).toBeInstanceOf(DeliveryRetryLimitError);
    const error = last.error as DeliveryRetryLimitError;
    expect(error.items).toEqual([{ item: 'b', index: 1 }]);
    expect(error.attempts).toBe(3);
    expect(error.cause).toBeInstanceOf(KinesisServiceError);
    expect(delivered(events).map((report) => report.item)).toEqual(['a']);
  });

  it('retries a whole call that failed with a retriable error, and flags possible duplicates after a reset', () => {
    const { events, fake } = produce(
      ['a', 'b'],
      {
        requestFault: (call) =>
          call === 0 ? connectionReset() : call === 1 ? awsError('InternalFailure', 500) : undefined,
      },
      {},
    );
    expect(callLog(fake).map(([time]) => time)).toEqual([0, 60, 170]);
    const reports = delivered(events);
    expect(reports.map((report) => [report.item, report.attempts, report.possibleDuplicate])).toEqual([
      ['a', 3, true],
      ['b', 3, true],
    ]);
  });

  it('does not flag duplicates when every failed attempt had a definite answer', () => {
    const { events } = produce(
      ['a'],
      { requestFault: (call) => (call === 0 ? awsError('ServiceUnavailable', 503) : undefined) },
      {},
    );
    expect(delivered(events).map((report) => [report.attempts, report.possibleDuplicate])).toEqual([
      [2, false],
    ]);
  });

  it('fails at once, without retrying, when the stream is gone', () => {
    const { events, fake } = produce(
      ['a', 'b'],
      {
        requestFault: () => awsError('ResourceNotFoundException', 400, 'Stream orders not found'),
      },
      {},
    );
    expect(fake.calls).toHaveLength(1);
    const last = events[events.length - 1]!;
    expect(last.time).toBe(10);
    expect(last.error).toBeInstanceOf(DeliveryFailedError);
    expect((last.error as DeliveryFailedError).cause).toBeInstanceOf(StreamNotFoundError);
    expect((last.error as DeliveryFailedError).items.map((item) => item.index)).toEqual([0, 1]);
  });

  it('fails every item with a typed error when the stream is missing at start', () => {
    const { events, fake } = produce(
      ['a'],
      { listShardsFault: () => awsError('ResourceNotFoundException', 400) },
      {},
    );
    expect(fake.calls).toHaveLength(0);
    expect(events).toHaveLength(1);
    expect(events[0]!.error).toBeInstanceOf(DeliveryFailedError);
    expect((events[0]!.error as RxjsKinesisError).cause).toBeInstanceOf(StreamNotFoundError);
  });

  it('fails pending items with a ConnectionError once connection failures outlast connectionFailureTimeout', () => {
    const { events, fake } = produce(
      ['a', 'b'],
      { requestFault: () => connectionReset() },
      { connectionFailureTimeout: 1000, onFailure: 'emit' },
    );
    // Retries back off (50, 100, 200, 400 ms...) but never past the deadline: the call failing at
    // or after 1,000 ms after the first failure gives the items up.
    const times = fake.calls.map((call) => call.time);
    expect(times[times.length - 1]).toBeLessThanOrEqual(1010);
    const failed = events.filter((event) => event.report?.status === 'failed');
    expect(failed.map((event) => event.report?.item)).toEqual(['a', 'b']);
    const error = failed[0]!.report?.status === 'failed' ? failed[0]!.report.error : undefined;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error?.cause).toBeInstanceOf(ConnectionError);
    expect((error?.cause as Error).message).toMatch(/could not be reached for 1 s: socket hang up/);
    expect(failed[0]!.time).toBeLessThanOrEqual(1020);
    expect(events[events.length - 1]!.complete).toBe(true);
  });

  it('keeps retrying connection failures that end before connectionFailureTimeout', () => {
    const { events } = produce(
      ['a'],
      { requestFault: (call) => (call < 3 ? connectionReset() : undefined) },
      { connectionFailureTimeout: 1000 },
    );
    expect(delivered(events).map((report) => [report.item, report.attempts])).toEqual([['a', 4]]);
  });

  it('spends more of the shard budget for each throttled entry', () => {
    const { events, fake } = produce(
      ['a', 'b', 'c', 'd'],
      { entryFault: ({ call }) => (call === 0 ? 'ProvisionedThroughputExceededException' : undefined) },
      { putRateLimitPerShard: 10 },
    );
    // 10 records/s: 4 spent at 0 ms; the 4 throttled entries spend 4 more at 10 ms, so after the
    // back-off (50 ms) only 2 may go; the other 2 wait until the first 4 tokens come back at 1 s.
    expect(fake.calls.map((call) => [call.time, call.records.length])).toEqual([
      [0, 4],
      [60, 2],
      [1000, 2],
    ]);
    expect(events[events.length - 1]).toEqual({ time: 1010, complete: true });
  });
});

describe('preserveOrder in virtual time', () => {
  const keyOf = (item: string) => (item.charCodeAt(0) % 2 === 1 ? 'x' : 'y');
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const fault: FakeKinesisOptions = {
    entryFault: ({ data, attempt }) =>
      ['"c"', '"d"'].includes(data) && attempt <= 2 ? 'InternalFailure' : undefined,
  };
  const orderPerKey = (fake: FakeKinesis) => {
    const perKey = new Map<string, string[]>();
    for (const record of fake.stored)
      perKey.set(record.partitionKey, [...(perKey.get(record.partitionKey) ?? []), record.data]);
    return Object.fromEntries(perKey);
  };

  it('keeps the order of items with the same key across retries', () => {
    const { fake, events } = produce(items, fault, { partitionKey: keyOf, preserveOrder: true });
    expect(orderPerKey(fake)).toEqual({ x: ['"a"', '"c"', '"e"', '"g"'], y: ['"b"', '"d"', '"f"', '"h"'] });
    expect(delivered(events)).toHaveLength(8);
    // One call in flight per shard, and never two records of one key in a call.
    for (const call of fake.calls) {
      const keys = call.records.map((record) => record.partitionKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('does not keep that order without preserveOrder (the throughput default)', () => {
    const { fake } = produce(items, fault, { partitionKey: keyOf });
    expect(orderPerKey(fake)).toEqual({ x: ['"a"', '"e"', '"g"', '"c"'], y: ['"b"', '"f"', '"h"', '"d"'] });
  });
});

describe('overflow and bad input', () => {
  it("reports refused items with overflow: 'drop-newest' and goes on", () => {
    const { events } = produce(['a', 'b', 'c', 'd'], {}, { maxQueueSize: 2, overflow: 'drop-newest' });
    expect(events.map((event) => [event.time, event.report?.status, event.report?.item])).toEqual([
      [0, 'dropped', 'c'],
      [0, 'dropped', 'd'],
      [10, 'delivered', 'a'],
      [10, 'delivered', 'b'],
      [10, undefined, undefined],
    ]);
    expect(events[0]!.report?.status === 'dropped' && events[0]!.report.error).toBeInstanceOf(QueueFullError);
  });

  it('errors with QueueFullError by default, after delivering what was accepted', () => {
    const { events } = produce(['a', 'b', 'c', 'd'], {}, { maxQueueSize: 2 });
    expect(events.map((event) => [event.time, event.report?.item])).toEqual([
      [10, 'a'],
      [10, 'b'],
      [10, undefined],
    ]);
    expect(events[2]!.error).toBeInstanceOf(QueueFullError);
    expect((events[2]!.error as QueueFullError).context.itemIndex).toBe(2);
  });

  it('bounds the queue by bytes too (maxQueueBytes)', () => {
    const { events } = produce(
      ['aaaa', 'bbbb', 'cccc'],
      {},
      { maxQueueBytes: 16, maxRecordBytes: 16, maxRequestBytes: 16, overflow: 'drop-newest' },
    );
    // Each item takes 6 + 1 bytes: two fit in 16 bytes, the third does not.
    expect(
      events.filter((event) => event.report?.status === 'dropped').map((event) => event.report?.item),
    ).toEqual(['cccc']);
  });

  const picky = createProcessor<string>(
    'picky',
    {
      name: 'picky',
      serialize: (item) => {
        if (item === 'unserializable') throw new Error('cannot serialize this one');
        return Buffer.from(item);
      },
      deserialize: (bytes) => Buffer.from(bytes).toString(),
    },
    jsonProcessor().aggregator,
  );

  const badItems = ['ok0', 'nokey', 'longkey', 'badhash', 'unserializable', 'x'.repeat(100), 'ok6'];
  const badOptions: Partial<ToKinesisOptions<string>> = {
    processor: picky,
    maxRecordBytes: 64,
    partitionKey: (item) => (item === 'nokey' ? '' : item === 'longkey' ? 'k'.repeat(257) : 'k'),
    explicitHashKey: (item) => (item === 'badhash' ? '2'.repeat(40) : undefined),
  };

  it("emits a typed failure naming each bad item's index with onFailure: 'emit', and goes on", () => {
    const { events } = produce(badItems, {}, { ...badOptions, onFailure: 'emit' });
    const failed = events.filter((event) => event.report?.status === 'failed').map((event) => event.report!);
    expect(
      failed.map((report) => [report.index, report.status === 'failed' && report.error.constructor]),
    ).toEqual([
      [1, InvalidPartitionKeyError],
      [2, InvalidPartitionKeyError],
      [3, InvalidExplicitHashKeyError],
      [4, ItemSerializationError],
      [5, ItemTooLargeError],
    ]);
    for (const report of failed)
      expect(report.status === 'failed' && report.error.context.itemIndex).toBe(report.index);
    expect(delivered(events).map((report) => report.item)).toEqual(['ok0', 'ok6']);
    expect(events[events.length - 1]!.complete).toBe(true);
  });

  it('errors with the first bad item by default, after delivering what was accepted before it', () => {
    const { events, fake } = produce(badItems, {}, badOptions);
    expect(events.map((event) => event.report?.item ?? event.error)).toEqual([
      'ok0',
      expect.any(InvalidPartitionKeyError),
    ]);
    expect((events[1]!.error as RxjsKinesisError).context.itemIndex).toBe(1);
    expect(fake.stored.map((record) => record.data)).toEqual(['ok0']);
  });

  it('sends an item whose framing alone passes the record limit as a plain record; refuses one that does not fit even so', () => {
    // A KPL record adds framing: a 60-byte item fits maxRecordBytes (64) with its key as a plain
    // record, not aggregated; a 70-byte one fits neither way.
    const { events, fake } = produce(
      ['y'.repeat(60), 'z'.repeat(70)],
      {},
      { processor: kplStringProcessor(), maxRecordBytes: 64, onFailure: 'emit' },
    );
    const reports = events.flatMap((event) => (event.report === undefined ? [] : [event.report]));
    expect(reports.map((report) => [report.item.length, report.status])).toEqual([
      [70, 'failed'],
      [60, 'delivered'],
    ]);
    // Stored as its data alone: no KPL magic, read as one item by every KPL reader.
    expect(fake.stored.map((record) => record.data)).toEqual(['y'.repeat(60)]);
    const refused = reports[0]!;
    expect(refused.status === 'failed' && refused.error).toBeInstanceOf(ItemTooLargeError);
    expect(refused.status === 'failed' && refused.error.message).toMatch(
      /^Item #1 needs 71 bytes \(data \+ partition key\) but a record holds at most 64 bytes$/,
    );
  });
});

describe('reports, aggregation, resharding and metrics', () => {
  it('keeps filling an aggregated record while its lane waits for the byte budget', () => {
    // One ~100-byte item every 2 ms for 4 s, into one shard metered at 10 KiB/s: the shard
    // takes two full records (each just under half the budget) a second, the rest waits. A
    // record closed part-filled by bufferTime would spend a share of the budget on a part of it.
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const line = 'x'.repeat(90);
    const count = 2000;
    let fake!: FakeKinesis;
    const reports: DeliveryReport<string>[] = [];
    let completedAt = -1;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {});
      timer(0, 2)
        .pipe(
          take(count),
          map(() => line),
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            random: () => 0.5,
            processor: jsonLineProcessor(),
            putBandwidthLimitPerShard: 10,
            maxQueueSize: count,
          }),
        )
        .subscribe({
          next: (report) => reports.push(report),
          complete: () => (completedAt = scheduler.now()),
        });
    });
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(count);
    const sizes = fake.calls.flatMap((call) => call.records.map((record) => record.data.length + 1));
    // Every record but the last (closed by the end of the input) is full: 54 lines of 93 bytes
    // and the key, the most that stay within 49.75 % of 10,240 bytes (5,094).
    expect(sizes.slice(0, -1)).toEqual(new Array<number>(sizes.length - 1).fill(54 * 93 + 1));
    expect(sizes).toHaveLength(Math.ceil(count / 54));
    // Two records a second, the first as soon as it is full (54 items at 2 ms): the 37th full
    // one goes 18 s after the first.
    const times = fake.calls.map((call) => call.time);
    expect(times[0]).toBe(108);
    expect(times[36]).toBe(108 + 18_000);
    expect(completedAt).toBeLessThan(18_200);
  });

  it('draws a random key per item, or per record of items with an aggregating processor', () => {
    const counter = () => {
      let n = 0;
      return () => ((n += 1) * 0.0137) % 1;
    };
    const keysOf = (events: Event<string>[]) => delivered(events).map((report) => report.partitionKey);
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const single = keysOf(produce(items, {}, { partitionKey: undefined, random: counter() }).events);
    expect(new Set(single).size).toBe(6);
    // All these items are keyed before the shard map is known, so no record closed yet: a key
    // serves items until 64 bytes of them (3 data bytes and a newline each) used it, 16 items.
    const many = Array.from({ length: 18 }, (_, i) => String.fromCharCode(97 + i));
    const aggregated = keysOf(
      produce(
        many,
        {},
        { partitionKey: undefined, random: counter(), maxRecordBytes: 64, processor: jsonLineProcessor() },
      ).events,
    );
    expect(aggregated.slice(0, 16).every((key) => key === aggregated[0])).toBe(true);
    expect(aggregated[16]).not.toBe(aggregated[0]);
    expect(aggregated[17]).toBe(aggregated[16]);
  });

  it('draws the per-record keys of aggregated items for each shard in turn', () => {
    let n = 0;
    const random = () => ((n += 1) * 0.0137) % 1;
    const items = Array.from({ length: 48 }, (_, i) => `${i % 10}`);
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveredReport<string>[] = [];
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { shards: 4 });
      // The items come once the shard map is known (1 ms).
      timer(1)
        .pipe(
          mergeMap(() => from(items)),
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            random,
            maxRecordBytes: 64,
            processor: jsonLineProcessor(),
          }),
        )
        .subscribe((report) => {
          if (report.status === 'delivered') reports.push(report);
        });
    });
    reports.sort((a, b) => a.index - b.index);
    expect(reports).toHaveLength(48);
    // A key serves items until their record is full: the 16-byte key and 12 lines of 4 bytes
    // make 64. The 4 runs of 12 items land on the 4 shards.
    const shardOfRun = [0, 12, 24, 36].map((start) => reports[start]!.shardId);
    expect(new Set(shardOfRun).size).toBe(4);
    for (const report of reports) expect(report.shardId).toBe(shardOfRun[Math.floor(report.index / 12)]);
    expect(new Set(reports.map((report) => report.partitionKey)).size).toBe(4);
  });

  it('spreads default-keyed items of one record each over the shards in turn, from keys whose shards are known', () => {
    // Hash-key ranges of 1/2, 1/4, 1/8 and 1/8: random keys would load the first shard four
    // times as much as the last; items keyed by default go to each shard in turn.
    const bounds = [
      0n,
      2n ** 127n,
      2n ** 127n + 2n ** 126n,
      2n ** 127n + 2n ** 126n + 2n ** 125n,
      2n ** 128n,
    ];
    const shards: Shard[] = bounds.slice(0, 4).map((start, i) => ({
      ShardId: `shardId-${String(i).padStart(12, '0')}`,
      HashKeyRange: { StartingHashKey: String(start), EndingHashKey: String(bounds[i + 1]! - 1n) },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    }));
    let n = 0;
    const random = () => ((n += 1) * 0.618_033_988_7) % 1;
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveredReport<string>[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {});
      fake.listed = shards;
      fake.routing = ShardMap.fromShards(shards);
      timer(1)
        .pipe(
          mergeMap(() => from(Array.from({ length: 400 }, (_, i) => `item-${i}`))),
          toKinesis<string>({ streamName: 'orders', client: fake.client, random }),
        )
        .subscribe((report) => {
          if (report.status === 'delivered') reports.push(report);
        });
    });
    expect(reports).toHaveLength(400);
    const perShard = new Map<string, number>();
    for (const report of reports) perShard.set(report.shardId, (perShard.get(report.shardId) ?? 0) + 1);
    expect([...perShard.values()]).toEqual([100, 100, 100, 100]);
    // Every key landed where the producer predicted: no answer showed a resharding.
    expect(fake.listShardsCalls).toBe(1);
    const keys = new Set(reports.map((report) => report.partitionKey));
    expect(keys.size).toBeGreaterThanOrEqual(4);
    expect(keys.size).toBeLessThanOrEqual(64);
    for (const report of reports) {
      expect(fake.routing.findShard(report.partitionKey)?.shardId).toBe(report.shardId);
    }
  });

  it('gives items keyed before the shard map is known pooled keys once it is, so they go in turn too', () => {
    let n = 0;
    const random = () => ((n += 1) * 0.618_033_988_7) % 1;
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveredReport<string>[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { shards: 4, listLatencyMs: 5 });
      // All 400 items arrive at once, before ListShards answers.
      from(Array.from({ length: 400 }, (_, i) => `item-${i}`))
        .pipe(toKinesis<string>({ streamName: 'orders', client: fake.client, random }))
        .subscribe((report) => {
          if (report.status === 'delivered') reports.push(report);
        });
    });
    expect(reports).toHaveLength(400);
    const perShard = new Map<string, number>();
    for (const report of reports) perShard.set(report.shardId, (perShard.get(report.shardId) ?? 0) + 1);
    expect([...perShard.values()]).toEqual([100, 100, 100, 100]);
    expect(fake.listShardsCalls).toBe(1);
    expect(new Set(reports.map((report) => report.partitionKey)).size).toBeLessThanOrEqual(64);
  });

  it('keys every item afresh with preserveOrder (pooled keys repeat, and equal keys wait for each other)', () => {
    let n = 0;
    const random = () => ((n += 1) * 0.618_033_988_7) % 1;
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveredReport<string>[] = [];
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { shards: 4 });
      timer(1)
        .pipe(
          mergeMap(() => from(Array.from({ length: 200 }, (_, i) => `item-${i}`))),
          toKinesis<string>({ streamName: 'orders', client: fake.client, random, preserveOrder: true }),
        )
        .subscribe((report) => {
          if (report.status === 'delivered') reports.push(report);
        });
    });
    expect(reports).toHaveLength(200);
    expect(new Set(reports.map((report) => report.partitionKey)).size).toBe(200);
  });

  it('draws default keys from the new shard map after a resharding', () => {
    let n = 0;
    const random = () => ((n += 1) * 0.618_033_988_7) % 1;
    const children = evenShards(3, 'shardId-1');
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveredReport<string>[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, { shards: 2 });
      // The producer lists two shards; from 5 ms on Kinesis routes to three others, and lists them.
      scheduler.schedule(() => {
        fake.routing = ShardMap.fromShards(children);
        const closed = evenShards(2).map((shard) => ({
          ...shard,
          SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
        }));
        fake.listed = [...closed, ...children];
      }, 5);
      timer(1, 20)
        .pipe(
          take(150),
          map((i) => `item-${i}`),
          toKinesis<string>({ streamName: 'orders', client: fake.client, random, bufferTime: 0 }),
        )
        .subscribe((report) => {
          if (report.status === 'delivered') reports.push(report);
        });
    });
    expect(reports).toHaveLength(150);
    // One reload, after the first answers showed the resharding: keys drawn from then on were
    // predicted right (a wrong prediction would have made the producer list the shards again,
    // at most once a second, and the run lasts 3 s).
    expect(fake.listShardsCalls).toBe(2);
    const late = reports.slice(-60);
    for (const child of children) {
      expect(late.filter((report) => report.shardId === child.ShardId)).toHaveLength(20);
    }
  });

  it("reports each item's position inside a KPL aggregate", () => {
    const { events, fake } = produce(['a', 'b', 'c'], {}, { processor: kplStringProcessor() });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.records).toHaveLength(1);
    const reports = delivered(events);
    expect(reports.map((report) => [report.item, report.subSequenceNumber, report.sequenceNumber])).toEqual([
      ['a', 0, '1'],
      ['b', 1, '1'],
      ['c', 2, '1'],
    ]);
  });

  it('reloads the shard map when answers show the stream was resharded', () => {
    const split = evenShards(2, 'shardId-1');
    const { fake, events } = produce(
      ['a', 'b'],
      {},
      { partitionKey: (item) => item, bufferTime: 0 },
      (fakeKinesis, scheduler) => {
        // The producer listed one shard; Kinesis already routes to its two children.
        fakeKinesis.routing = ShardMap.fromShards(split);
        scheduler.schedule(() => {
          const closed = evenShards(1).map((shard) => ({
            ...shard,
            SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
          }));
          fakeKinesis.listed = [...closed, ...split];
        }, 1);
      },
    );
    expect(fake.listShardsCalls).toBe(2);
    expect(delivered(events).every((report) => report.shardId.startsWith('shardId-1'))).toBe(true);
  });

  it('awaits afterFlush after each successful call before reporting its items', () => {
    const infos: Array<{ time: number; items: number; records: number }> = [];
    let scheduler!: TestScheduler;
    const result = produce(
      ['a', 'b'],
      {},
      {
        afterFlush: (info) => {
          infos.push({ time: scheduler.now(), items: info.items, records: info.records });
          return {
            then(resolve?: () => void) {
              scheduler.schedule(() => resolve?.(), 100);
            },
          } as PromiseLike<void>;
        },
      },
      (_fake, testScheduler) => {
        scheduler = testScheduler;
      },
    );
    expect(infos).toEqual([{ time: 10, items: 2, records: 2 }]);
    expect(result.events.map((event) => event.time)).toEqual([110, 110, 110]);
  });
});
