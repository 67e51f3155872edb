import type { _Record } from '@aws-sdk/client-kinesis';
import { asapScheduler } from 'rxjs';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { ShardListing } from '../../src/consumer/GoneShardCheck.js';
import type { ReadingSourceFactory, ReadingSourceParams } from '../../src/consumer/ReadingSource.js';
import type { IteratorRequest } from '../../src/consumer/ShardReader.js';
import { goneShardSource } from '../../src/consumer/goneShardSource.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { AccessDeniedError } from '../../src/kinesis/errors/AccessDeniedError.js';
import { waitFor } from '../support/streamRecords.js';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';

const SHARD = 'shardId-000000000000';

/** A source that fails with `error` when started (after delivering `records`, if any). */
function failing(
  error: Error,
  starts: IteratorRequest[] = [],
  records: _Record[] = [],
): ReadingSourceFactory {
  return (params) => ({
    start: () => {
      starts.push(params.start);
      if (records.length > 0 && starts.length === 1)
        params.onRecords(records, { records, nextShardIterator: 'next', childShards: undefined });
      params.onError(error as StreamNotFoundError);
    },
    stop: () => undefined,
  });
}

/** A listing of `shards`; each refresh (counted) answers `answer()` and shows `after()` then. */
class FakeListing implements ShardListing {
  startedListings = 0;
  refreshes = 0;
  shards: Set<string>;

  constructor(
    shards: readonly string[],
    private readonly answer: () => Promise<RxjsKinesisError | undefined> = () => Promise.resolve(undefined),
    private readonly after: () => readonly string[] = () => [],
  ) {
    this.shards = new Set(shards);
  }

  has(shardId: string): boolean {
    return this.shards.has(shardId);
  }

  /** Shards shown open (the others are closed parents). */
  readonly open = new Set<string>();

  isOpen(shardId: string): boolean {
    return this.shards.has(shardId) && this.open.has(shardId);
  }

  async refresh(): Promise<RxjsKinesisError | undefined> {
    this.startedListings += 1;
    this.refreshes += 1;
    const error = await this.answer();
    if (error === undefined) this.shards = new Set(this.after());
    return error;
  }
}

function harness(source: ReadingSourceFactory, listing: ShardListing, retryLimit = 2) {
  const factory = goneShardSource({
    source,
    directory: listing,
    running: () => true,
    options: { expoBackoff: 1, expoBackoffLimit: 2, retryLimit, random: () => 0.5 },
  });
  return (shardId = SHARD) => {
    const calls: string[] = [];
    const errors: RxjsKinesisError[] = [];
    const events: ConsumerEvent[] = [];
    const params: ReadingSourceParams = {
      streamName: 'orders',
      shardId,
      start: { iteratorType: 'TRIM_HORIZON' },
      gate: new InFlightGate({ records: 10, items: 10, bytes: 1000 }),
      fairShare: () => 10,
      scheduler: asapScheduler,
      onRecords: () => calls.push('records'),
      onEnd: (children) => calls.push(`end:${children.length}`),
      onEvent: (event) => events.push(event),
      onError: (error) => {
        calls.push(`error:${error.name}`);
        errors.push(error);
      },
    };
    return { calls, errors, events, reading: factory(params) };
  };
}

const notFound = () => new StreamNotFoundError('ResourceNotFoundException: Shard ... does not exist');
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
/** Until the reading ended or failed (its back-offs are real timers: slow on a loaded machine). */
const finished = (calls: readonly string[]) =>
  waitFor(() => calls.some((call) => call.startsWith('end:') || call.startsWith('error:')), {
    timeoutMs: 10_000,
    message: () => `the reading did not end: ${calls.join(', ')}`,
  });

test('a shard gone from a stream still there ends the reading (no children named)', async () => {
  const listing = new FakeListing([SHARD]);
  const { calls, reading } = harness(failing(notFound()), listing)();
  reading.start();
  await settle();
  expect(listing.refreshes).toBe(1);
  expect(calls).toEqual(['end:0']);
});

test('a stream gone (the listing fails, or throws) fails the reading with the error', async () => {
  const answers = [() => Promise.resolve(notFound()), () => Promise.reject(new Error('no listing'))];
  for (const answer of answers) {
    const { calls, reading } = harness(failing(notFound()), new FakeListing([SHARD], answer))();
    reading.start();
    await settle();
    expect(calls).toEqual(['error:StreamNotFoundError']);
  }
});

test('a listing failing with a retriable error is no answer: read again, then fails naming the listing', async () => {
  const starts: IteratorRequest[] = [];
  const listing = new FakeListing([SHARD], () =>
    Promise.resolve(new KinesisServiceError('ListShards: InternalFailure', { retriable: true })),
  );
  const { calls, errors, reading } = harness(failing(notFound(), starts), listing)();
  reading.start();
  await finished(calls);
  expect(starts).toHaveLength(3);
  expect(calls).toEqual(['error:RetryLimitExceededError']);
  const error = errors[0] as RetryLimitExceededError;
  expect(error.retriable).toBe(false);
  expect(error.cause).toBeInstanceOf(KinesisServiceError);
  expect(error.context).toEqual({ streamName: 'orders', shardId: SHARD });
  expect(error.message).toContain(
    'ListShards, asked whether it is gone, failed: ListShards: InternalFailure',
  );
});

test('a listing failing with another error fails the reading with that error', async () => {
  const denied = new AccessDeniedError('not authorized to perform kinesis:ListShards');
  const listing = new FakeListing([SHARD], () => Promise.resolve(denied));
  const { calls, errors, reading } = harness(failing(notFound()), listing)();
  reading.start();
  await settle();
  expect(calls).toEqual(['error:AccessDeniedError']);
  expect(errors[0]).toBe(denied);
});

test('a shard still listed is read again with back-off, from after its last record, then fails', async () => {
  const starts: IteratorRequest[] = [];
  const record: _Record = { SequenceNumber: '42', Data: new Uint8Array(), PartitionKey: 'k' };
  const listing = new FakeListing([SHARD], undefined, () => [SHARD]);
  const { calls, errors, events, reading } = harness(failing(notFound(), starts, [record]), listing)();
  reading.start();
  await finished(calls);
  expect(starts).toEqual([
    { iteratorType: 'TRIM_HORIZON' },
    { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' },
    { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' },
  ]);
  expect(events.map((event) => event.type === 'error-retried' && event.attempt)).toEqual([1, 2]);
  expect(calls).toEqual(['records', 'error:RetryLimitExceededError']);
  const error = errors[0] as RetryLimitExceededError;
  expect(error.attempts).toBe(3);
  expect(error.cause).toBeInstanceOf(StreamNotFoundError);
  expect(error.message).toContain(`${SHARD} of stream orders is still listed by ListShards`);
});

test('a shard listed at first and gone at a later look ends the reading', async () => {
  let looks = 0;
  const listing = new FakeListing([SHARD], undefined, () => (++looks < 2 ? [SHARD] : []));
  const { calls, reading } = harness(failing(notFound()), listing)();
  reading.start();
  await finished(calls);
  expect(calls).toEqual(['end:0']);
  expect(listing.refreshes).toBe(2);
});

test('64 readings refused at once share one listing', async () => {
  const shards = Array.from({ length: 64 }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
  let answer: () => void = () => undefined;
  const listing = new FakeListing(
    shards,
    () => new Promise((resolve) => (answer = () => resolve(undefined))),
  );
  const read = harness(failing(notFound()), listing);
  const runs = shards.map((shardId) => read(shardId));
  for (const run of runs) run.reading.start();
  await settle();
  answer();
  await settle();
  expect(listing.refreshes).toBe(1);
  expect(runs.map((run) => run.calls)).toEqual(shards.map(() => ['end:0']));
  // Gone from that listing: a late refusal needs no listing of its own.
  const late = read(shards[0]);
  late.reading.start();
  await settle();
  expect(listing.refreshes).toBe(1);
  expect(late.calls).toEqual(['end:0']);
});

test('a refusal during a listing started before it waits for one started after it', async () => {
  const answers: Array<() => void> = [];
  const listing = new FakeListing(
    [SHARD, 'shardId-000000000001'],
    () => new Promise((resolve) => answers.push(() => resolve(undefined))),
    () => (answers.length < 2 ? [SHARD] : []),
  );
  const read = harness(failing(notFound()), listing);
  const other = read('shardId-000000000001');
  other.reading.start();
  await settle();
  const mine = read(SHARD);
  mine.reading.start();
  await settle();
  answers[0]?.();
  await settle();
  // The first listing still shows the shard, but it started before the refusal: no verdict.
  expect(listing.refreshes).toBe(2);
  expect(mine.calls).toEqual([]);
  expect(other.calls).toEqual(['end:0']);
  answers[1]?.();
  await settle();
  expect(mine.calls).toEqual(['end:0']);
  expect(listing.refreshes).toBe(2);
});

test('an open shard refused and missing from the next listing is never read as ended: retried, then fails', async () => {
  const starts: IteratorRequest[] = [];
  const listing = new FakeListing([SHARD]);
  listing.open.add(SHARD);
  const { calls, errors, reading } = harness(failing(notFound(), starts), listing)();
  reading.start();
  await finished(calls);
  expect(starts).toHaveLength(3);
  expect(calls).toEqual(['error:RetryLimitExceededError']);
  expect(errors[0]?.message).toContain(`${SHARD} of stream orders was open when last listed`);
});

test('other errors pass on at once, without a check', async () => {
  const listing = new FakeListing([SHARD]);
  const { calls, reading } = harness(failing(new ThrottledError('slow')), listing)();
  reading.start();
  await settle();
  expect(listing.refreshes).toBe(0);
  expect(calls).toEqual(['error:ThrottledError']);
});

test('stopped while checking: no callback', async () => {
  let answer: () => void = () => undefined;
  const listing = new FakeListing(
    [SHARD],
    () => new Promise((resolve) => (answer = () => resolve(undefined))),
  );
  const { calls, reading } = harness(failing(notFound()), listing)();
  reading.start();
  reading.stop();
  answer();
  await settle();
  expect(calls).toEqual([]);
});
