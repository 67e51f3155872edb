// A consumer's stop whose final writes never end (a checkpointer without deadlines, a frozen
// Redis): stopped() resolves finalWritesTimeoutMs after the pipeline finished, with a
// final-writes-timeout event naming the shards left unwritten and the leases left to run out,
// and nothing of the run goes on (no timer, no event, no call, no unhandled rejection). A stop
// whose writes land in time is as before.
import { type Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  InvalidOptionError,
  MemoryCheckpointer,
  RedisCheckpointer,
  type Checkpointer,
  type CheckpointPosition,
  type ConsumerEvent,
  type KinesisConsumerObservable,
  type Lease,
  type LeaseInfo,
  type ShardCheckpoint,
} from '../../src/index.js';
import { resolveConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { consumerEventLogLine } from '../../src/consumer/logConsumerEvent.js';
import { startRedisServer } from '../checkpointers/redis/redisServers.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { uniqueKeyPrefix } from '../support/redis.js';
import { numbers, putRecords, waitFor, type WrittenRecord } from '../support/streamRecords.js';
import { timersStarted, type StartedTimers } from '../support/timersStarted.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis();
const COUNT = 20;
/** Generous for a loaded 2-core box: a stop cut short ends well within it after its deadline. */
const SLACK_MS = 10_000;

type Frozen = 'checkpoint' | 'releaseLease';

/**
 * A Checkpointer (the public interface) over a MemoryCheckpointer whose chosen writes, from
 * freeze() on, never answer until the test settles them (late, with a failure), as a store
 * without deadlines that hangs.
 */
class FreezingCheckpointer implements Checkpointer {
  readonly name = 'freezing';
  readonly inner = new MemoryCheckpointer();
  readonly leaseDurationMs = this.inner.leaseDurationMs;
  /** Calls made after freeze(), by method name. */
  readonly held: string[] = [];
  /** Calls made after the consumer stopped, by method name (none expected). */
  readonly late: string[] = [];
  stoppedAt: number | undefined;
  private frozen: ReadonlySet<Frozen> = new Set();
  private readonly failers: ((error: Error) => void)[] = [];

  freeze(methods: readonly Frozen[]): void {
    this.frozen = new Set(methods);
  }

  /** Fails every held call now (its answer comes after the consumer stopped waiting). */
  failHeld(): void {
    for (const fail of this.failers.splice(0)) fail(new Error('the store answered too late'));
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.call('getCheckpoint', () => this.inner.getCheckpoint(streamName, shardId));
  }

  acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    return this.call('acquireLease', () => this.inner.acquireLease(streamName, shardId, owner));
  }

  renewLease(lease: Lease): Promise<Lease> {
    return this.call('renewLease', () => this.inner.renewLease(lease));
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.call('releaseLease', () => this.inner.releaseLease(lease));
  }

  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    return this.call('checkpoint', () => this.inner.checkpoint(lease, position));
  }

  markShardEnd(lease: Lease): Promise<void> {
    return this.call('markShardEnd', () => this.inner.markShardEnd(lease));
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.inner.listLeases(streamName);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private call<T>(method: string, run: () => Promise<T>): Promise<T> {
    if (this.stoppedAt !== undefined) this.late.push(method);
    if (!this.frozen.has(method as Frozen)) return run();
    this.held.push(method);
    return new Promise<T>((_resolve, reject) => this.failers.push(reject));
  }
}

interface Run {
  readonly streamName: string;
  readonly written: WrittenRecord[];
  readonly consumer: KinesisConsumerObservable;
  readonly events: ConsumerEvent[];
  readonly subscription: Subscription;
  /** The last sequence number of each shard. */
  readonly lastOf: Map<string, string>;
}

/** A 2-shard stream with COUNT records, read to the end by a pipeline that writes positions only at stop. */
async function readAll(
  name: string,
  checkpointer: Checkpointer,
  finalWritesTimeoutMs?: number,
): Promise<Run> {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(COUNT));
  client.destroy();
  const lastOf = new Map(written.map((record) => [record.shardId, record.sequenceNumber]));
  expect(lastOf.size).toBe(2);
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    ...(finalWritesTimeoutMs === undefined ? {} : { finalWritesTimeoutMs }),
  });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  let processed = 0;
  const subscription = consumer
    .pipe(checkpoint({ intervalMs: 600_000, batchSize: 100_000 }))
    .subscribe(() => (processed += 1));
  await waitFor(() => processed === COUNT, {
    timeoutMs: 30_000,
    message: () => `${processed} of ${COUNT} processed`,
  });
  return { streamName, written, consumer, events, subscription, lastOf };
}

/** Resolves with the ms stopped() took, or rejects after `limitMs` (the stop still under way). */
async function stoppedWithin(
  consumer: KinesisConsumerObservable,
  since: number,
  limitMs: number,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      consumer.stopped().then(() => performance.now() - since),
      new Promise<number>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`stopped() still pending after ${limitMs} ms`)), limitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The timers still pending, but those of the test runner itself (its reporter runs in this
 * process when several files run in band).
 */
async function pendingTimers(timers: StartedTimers): Promise<string[]> {
  const left = await timers.pending();
  timers.stop();
  return left.filter((where) => !where.includes('/node_modules/@jest/'));
}

function eventTypes(events: readonly ConsumerEvent[]): string[] {
  return events.map((event) => event.type);
}

describe('a stop whose final writes never end', () => {
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  test.each<[string, readonly Frozen[], 'unwritten' | 'written']>([
    ['checkpoint and releaseLease hang', ['checkpoint', 'releaseLease'], 'unwritten'],
    ['releaseLease hangs', ['releaseLease'], 'written'],
  ])(
    '%s: stopped() resolves finalWritesTimeoutMs later, final-writes-timeout names the shards, nothing is left running',
    async (_name, frozen, positions) => {
      const TIMEOUT_MS = 1_500;
      const checkpointer = new FreezingCheckpointer();
      const timers = timersStarted();
      const run = await readAll('final-writes', checkpointer, TIMEOUT_MS);
      const shardIds = [...run.lastOf.keys()].sort();
      checkpointer.freeze(frozen);
      const since = performance.now();
      run.subscription.unsubscribe();
      const tookMs = await stoppedWithin(run.consumer, since, TIMEOUT_MS + 30_000);
      checkpointer.stoppedAt = performance.now();

      expect(tookMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(tookMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(checkpointer.held).toEqual(expect.arrayContaining([frozen[0]]));
      const timeout = run.events.find((event) => event.type === 'final-writes-timeout');
      expect(timeout).toEqual({
        type: 'final-writes-timeout',
        streamName: run.streamName,
        workerId: expect.any(String),
        timeoutMs: TIMEOUT_MS,
        unwritten: positions === 'unwritten' ? shardIds : [],
        unreleased: shardIds,
      });
      // consumer-stopped comes last, right after it.
      expect(eventTypes(run.events).slice(-2)).toEqual(['final-writes-timeout', 'consumer-stopped']);
      expect(eventTypes(run.events).filter((type) => type === 'lease-released')).toEqual([]);
      for (const shardId of shardIds) {
        const stored = await checkpointer.inner.getCheckpoint(run.streamName, shardId);
        if (positions === 'unwritten') expect(stored).toBeUndefined();
        else
          expect(stored).toEqual({ kind: 'position', position: { sequenceNumber: run.lastOf.get(shardId) } });
      }

      // No timer of the run is left (renewals, watchdogs, polling, the deadline itself).
      expect(await pendingTimers(timers)).toEqual([]);

      // The held calls fail late: ignored, with no unhandled rejection, no event, no call after.
      const eventsAtStop = run.events.length;
      checkpointer.failHeld();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(run.events.length).toBe(eventsAtStop);
      expect(checkpointer.late).toEqual([]);
      expect(unhandled).toEqual([]);
      // The leases were not released: still held in the store (they run out after leaseDurationMs).
      const leases = await checkpointer.inner.listLeases(run.streamName);
      expect(
        leases
          .filter((lease) => lease.owner !== undefined)
          .map((lease) => lease.shardId)
          .sort(),
      ).toEqual(shardIds);
    },
  );

  test('Infinity: no deadline, the stop waits for the checkpointer as long as it takes', async () => {
    const checkpointer = new FreezingCheckpointer();
    const timers = timersStarted();
    const run = await readAll('final-writes-infinite', checkpointer, Infinity);
    checkpointer.freeze(['releaseLease']);
    run.subscription.unsubscribe();
    let stopped = false;
    void run.consumer.stopped().then(() => (stopped = true));
    // Longer than the default deadline would allow for a short test: 3 s with nothing settled.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(stopped).toBe(false);
    expect(checkpointer.held).toContain('releaseLease');
    // The store answers at last (with a failure): the stop ends, without final-writes-timeout.
    checkpointer.failHeld();
    await stoppedWithin(run.consumer, performance.now(), 30_000);
    expect(eventTypes(run.events)).not.toContain('final-writes-timeout');
    expect(eventTypes(run.events).at(-1)).toBe('consumer-stopped');
    expect(await pendingTimers(timers)).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  test('a frozen redis-server (SIGSTOP) with the RedisCheckpointer: stopped() resolves by the deadline, well before its calls give up', async () => {
    const TIMEOUT_MS = 2_000;
    const redis = await startRedisServer();
    // Default deadlines: each call gives up only after tens of seconds.
    const checkpointer = new RedisCheckpointer({
      redis: redis.url,
      name: 'final-writes',
      keyPrefix: uniqueKeyPrefix('final-writes'),
    });
    let frozen = false;
    try {
      const run = await readAll('final-writes-redis', checkpointer, TIMEOUT_MS);
      const shardIds = [...run.lastOf.keys()].sort();
      redis.signal('SIGSTOP');
      frozen = true;
      const since = performance.now();
      run.subscription.unsubscribe();
      const tookMs = await stoppedWithin(run.consumer, since, 60_000);
      expect(tookMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(tookMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const timeout = run.events.find(
        (event): event is Extract<ConsumerEvent, { type: 'final-writes-timeout' }> =>
          event.type === 'final-writes-timeout',
      );
      expect(timeout).toMatchObject({ streamName: run.streamName, timeoutMs: TIMEOUT_MS });
      expect(timeout?.unwritten).toEqual(shardIds);
      expect(timeout?.unreleased).toEqual(shardIds);
      expect(eventTypes(run.events).slice(-2)).toEqual(['final-writes-timeout', 'consumer-stopped']);

      // Thawed, the calls the stop gave up on answer: nothing more is done or reported.
      const eventsAtStop = run.events.length;
      redis.signal('SIGCONT');
      frozen = false;
      const leases = await checkpointer.listLeases(run.streamName);
      expect(
        leases
          .filter((lease) => lease.owner !== undefined)
          .map((lease) => lease.shardId)
          .sort(),
      ).toEqual(shardIds);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(run.events.length).toBe(eventsAtStop);
      expect(unhandled).toEqual([]);
    } finally {
      if (frozen) redis.signal('SIGCONT');
      await checkpointer.close();
      await redis.close();
    }
  });
});

test('a healthy stop: positions written and leases released as before, no final-writes-timeout', async () => {
  const checkpointer = new FreezingCheckpointer();
  const timers = timersStarted();
  const run = await readAll('final-writes-healthy', checkpointer, 1_000);
  const shardIds = [...run.lastOf.keys()].sort();
  const since = performance.now();
  run.subscription.unsubscribe();
  await stoppedWithin(run.consumer, since, 30_000);
  const types = eventTypes(run.events);
  expect(types).not.toContain('final-writes-timeout');
  expect(types[types.length - 1]).toBe('consumer-stopped');
  const released = run.events.flatMap((event) =>
    event.type === 'lease-released' && event.error === undefined ? [event.shardId] : [],
  );
  expect(released.sort()).toEqual(shardIds);
  for (const shardId of shardIds) {
    expect(await checkpointer.inner.getCheckpoint(run.streamName, shardId)).toEqual({
      kind: 'position',
      position: { sequenceNumber: run.lastOf.get(shardId) },
    });
  }
  const leases = await checkpointer.inner.listLeases(run.streamName);
  expect(leases.filter((lease) => lease.owner !== undefined)).toEqual([]);
  expect(await pendingTimers(timers)).toEqual([]);
});

describe('the finalWritesTimeoutMs option', () => {
  test('defaults to 10 s', () => {
    expect(resolveConsumerOptions({ streamName: 'orders' }).finalWritesTimeoutMs).toBe(10_000);
    expect(
      resolveConsumerOptions({ streamName: 'orders', finalWritesTimeoutMs: 250 }).finalWritesTimeoutMs,
    ).toBe(250);
    expect(
      resolveConsumerOptions({ streamName: 'orders', finalWritesTimeoutMs: Infinity }).finalWritesTimeoutMs,
    ).toBe(Infinity);
  });

  test.each([0, -1, -Infinity, Number.NaN, 2 ** 31, '5000', null])('rejects %p at once', (value) => {
    const options = { streamName: 'orders', finalWritesTimeoutMs: value as number };
    expect(() => fromKinesis(options)).toThrow(InvalidOptionError);
    expect(() => resolveConsumerOptions(options)).toThrow(
      /^Invalid option "finalWritesTimeoutMs": got .+; expected a number of milliseconds > 0 and at most 2147483647, or Infinity \(no deadline\)$/,
    );
  });
});

test('final-writes-timeout is logged as a warning naming what was left', () => {
  expect(
    consumerEventLogLine({
      type: 'final-writes-timeout',
      streamName: 'orders',
      workerId: 'w1',
      timeoutMs: 10_000,
      unwritten: ['shardId-000000000001'],
      unreleased: ['shardId-000000000000', 'shardId-000000000001'],
    }),
  ).toEqual({
    level: 'warn',
    message: 'final writes timed out: stopped without them',
    details: {
      streamName: 'orders',
      workerId: 'w1',
      timeoutMs: 10_000,
      unwritten: ['shardId-000000000001'],
      unreleased: ['shardId-000000000000', 'shardId-000000000001'],
    },
  });
});
