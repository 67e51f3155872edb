// A handover gives up waiting for its records in flight, and withdraws the request, safely before
// the request's deadline (from which the requester may take the lease over mid-record), however
// late the owner saw the request; a request seen in time still gets the whole drain. Virtual
// time: the owner's LeaseBalancer and ShardReadings run on a VirtualTimeScheduler against an
// in-memory coordinator whose calls take virtual time.
import { VirtualTimeScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type {
  HandoffRequestResult,
  LeaseCoordinator,
  LeaseSnapshot,
  ReleaseLeaseOptions,
} from '../../src/checkpointers/LeaseCoordinator.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { ResolvedConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { ReadingSourceParams } from '../../src/consumer/ReadingSource.js';
import type { ShardDirectory } from '../../src/consumer/ShardDirectory.js';
import { ShardReadings } from '../../src/consumer/ShardReadings.js';
import type { RecordFanOut } from '../../src/consumer/RecordFanOut.js';
import type { CheckpointerHealth } from '../../src/consumer/CheckpointerHealth.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';

const STREAM = 'orders';
const HEARTBEAT_MS = 500;
const HANDOFF_TIMEOUT_MS = 3000;
/** The owner's drain timeout: max(heartbeat, handoffTimeout - 2 heartbeats). */
const DRAIN_MS = 2000;
/** The coordinator's clock runs this far ahead of the owner's (any offset must do). */
const SKEW_MS = 1_000_000;

/** Lets promise chains run (the virtual clock stands still meanwhile). */
async function settle(): Promise<void> {
  for (let i = 0; i < 30; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Runs the virtual clock to `target`, letting promise chains run between timers. */
async function advanceTo(scheduler: VirtualTimeScheduler, target: number): Promise<void> {
  for (;;) {
    await settle();
    const next = scheduler.actions[0];
    if (next === undefined || next.delay > target) break;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  scheduler.frame = target;
}

/**
 * The coordinator clock's deadlines: 'server' (Redis: a request's deadline on the coordinator's
 * clock, as the requester wrote it) or 'first-seen' (DynamoDB: the observer counts a request from
 * when it first saw it, so the owner's snapshot shows a later deadline than the requester's).
 */
type DeadlineView = 'server' | 'first-seen';

class FakeCoordinator extends MemoryCheckpointer implements LeaseCoordinator {
  readonly heartbeatIntervalMs = HEARTBEAT_MS;
  readonly handoffTimeoutMs = HANDOFF_TIMEOUT_MS;
  /** Virtual ms the next heartbeat call takes (a loaded machine, a slow store). */
  heartbeatDelayMs = 0;
  request: { shardId: string; requester: string; deadline: number; firstSeen?: number } | undefined;
  /** Owner's time (virtual) at which each withdrawal reached the coordinator. */
  readonly withdrawnAt: number[] = [];

  constructor(
    private readonly scheduler: VirtualTimeScheduler,
    private readonly view: DeadlineView,
  ) {
    super({ leaseDurationMs: 3000, now: () => scheduler.now() + SKEW_MS });
  }

  private clock(): number {
    return this.scheduler.now() + SKEW_MS;
  }

  private sleep(ms: number): Promise<void> {
    return ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => this.scheduler.schedule(() => resolve(), ms));
  }

  async heartbeat(): Promise<number> {
    const delay = this.heartbeatDelayMs;
    this.heartbeatDelayMs = 0;
    await this.sleep(delay);
    return this.clock() + 3000;
  }

  async leaveGroup(): Promise<void> {}

  /** 'b' joins when it asks. */
  async liveWorkers(): Promise<string[]> {
    return this.asked ? ['a', 'b'] : ['a'];
  }

  private asked = false;

  /** The requester `b` asks for `shardId`: its deadline is handoffTimeoutMs from now. */
  ask(shardId: string): number {
    const deadline = this.clock() + HANDOFF_TIMEOUT_MS;
    this.asked = true;
    this.request = { shardId, requester: 'b', deadline };
    return deadline - SKEW_MS;
  }

  async requestHandoff(): Promise<HandoffRequestResult> {
    return { status: 'free' };
  }

  async cancelHandoff(_streamName: string, shardId: string, requester: string): Promise<boolean> {
    if (this.request?.shardId !== shardId || this.request.requester !== requester) return false;
    this.request = undefined;
    this.withdrawnAt.push(this.scheduler.now());
    return true;
  }

  async pendingHandoffs(): Promise<never[]> {
    return [];
  }

  async leaseSnapshot(streamName: string): Promise<LeaseSnapshot> {
    const now = this.clock();
    const request = this.request;
    if (request !== undefined) request.firstSeen ??= now;
    const leases = (await this.listLeases(streamName)).map((lease) =>
      lease.shardId === request?.shardId && lease.owner !== undefined
        ? {
            ...lease,
            handoff: {
              requester: request.requester,
              deadline:
                this.view === 'server' ? request.deadline : (request.firstSeen ?? now) + HANDOFF_TIMEOUT_MS,
            },
          }
        : lease,
    );
    return { now, liveWorkers: await this.liveWorkers(), leases };
  }

  override async releaseLease(lease: Lease, _options?: ReleaseLeaseOptions): Promise<void> {
    await super.releaseLease(lease);
  }
}

/** Owner 'a' reads s0 and s1 (three records of s0 in flight, never passed); 'b' holds none. */
async function startOwner(view: DeadlineView) {
  const scheduler = new VirtualTimeScheduler();
  const coordinator = new FakeCoordinator(scheduler, view);
  const events: ConsumerEvent[] = [];
  const onEvent = (event: ConsumerEvent) => events.push(event);
  const leases = new LeaseManager({
    checkpointer: coordinator,
    coordinator,
    streamName: STREAM,
    workerId: 'a',
    scheduler,
    onEvent,
    onLost: () => undefined,
  });
  const sources = new Map<string, Pick<ReadingSourceParams, 'onRecords' | 'onStalled'>>();
  const directory = {
    listing: false,
    has: () => true,
    // What goneShardSource asks of a refused reading's shard (no read is refused here).
    isOpen: () => true,
    startedListings: 0,
    openShards: async () => ['s0', 's1'],
    startOf: async () => ({ iteratorType: 'TRIM_HORIZON' }),
    markStarted: () => undefined,
    markEnded: () => undefined,
    isEnded: () => false,
    parentsOf: () => [],
  } as unknown as ShardDirectory;
  const fanOut = {
    resumeAt: new Map(),
    emit: (
      reading: { progress: { add(seq: string, sinks: number[], items: number): void } },
      records: { SequenceNumber?: string }[],
    ) => {
      for (const record of records) reading.progress.add(record.SequenceNumber ?? '', [1], 0);
    },
  } as unknown as RecordFanOut;
  const shards = new ShardReadings({
    options: {
      address: { streamName: STREAM },
      scheduler,
      workerId: 'a',
    } as unknown as ResolvedConsumerOptions,
    checkpointer: coordinator,
    leases,
    directory,
    gate: new InFlightGate(100),
    fanOut,
    source: (params) => {
      sources.set(params.shardId, params);
      return { start: () => undefined, stop: () => undefined };
    },
    health: { failed: () => undefined, ok: () => undefined } as unknown as CheckpointerHealth,
    onEvent,
    running: () => true,
    onError: (error) => {
      throw error;
    },
    onFinished: () => undefined,
    onStale: () => undefined,
    timer: (ms, callback) => {
      const action = scheduler.schedule(callback, ms);
      return () => action.unsubscribe();
    },
  });
  const balancer = new LeaseBalancer({
    coordinator,
    streamName: STREAM,
    workerId: 'a',
    scheduler,
    maxShardConsumers: Number.MAX_SAFE_INTEGER,
    takeoverGraceMs: 0,
    leases,
    host: shards,
    onEvent,
  });
  balancer.start(); // first pass at 0: acquires s0 and s1
  await advanceTo(scheduler, 1);
  expect([...shards.readings.keys()].sort()).toEqual(['s0', 's1']);
  sources.get('s0')?.onRecords(
    ['1', '2', '3'].map((SequenceNumber) => ({ SequenceNumber, Data: new Uint8Array(0), PartitionKey: 'k' })),
    { records: [] },
  );
  const stop = async () => {
    await balancer.stop();
    await leases.releaseAll();
  };
  return { scheduler, coordinator, events, shards, leases, sources, stop };
}

const timeouts = (events: ConsumerEvent[]) => events.filter((event) => event.type === 'handoff-timeout');

describe.each<DeadlineView>(['server', 'first-seen'])('handoff deadline (%s clock)', (view) => {
  test('a request seen late: the owner withdraws it a heartbeat before its deadline, keeping the lease', async () => {
    const t = await startOwner(view);
    const deadline = t.coordinator.ask('s0'); // asked at 1
    // The next pass (at 500) is slow: its heartbeat takes 900 ms, so the owner sees the request
    // only at 1400, 1.4 s after it was made (the old drain, 2 s from then, ended at 3400).
    t.coordinator.heartbeatDelayMs = 900;
    await advanceTo(t.scheduler, 1500);
    expect(t.shards.isHandingOver('s0')).toBe(true);
    await advanceTo(t.scheduler, deadline + 1000);
    expect(t.coordinator.withdrawnAt).toHaveLength(1);
    expect(t.coordinator.withdrawnAt[0]).toBeLessThanOrEqual(deadline - HEARTBEAT_MS);
    expect(timeouts(t.events)).toEqual([
      { type: 'handoff-timeout', shardId: 's0', requester: 'b', inFlight: 3 },
    ]);
    // Still the owner, still handing over (waiting for its records), nothing released.
    expect(t.leases.get('s0')).toBeDefined();
    expect(t.shards.isHandingOver('s0')).toBe(true);
    await t.stop();
  });

  test('a request seen at the next heartbeat still gets the whole drain', async () => {
    const t = await startOwner(view);
    t.coordinator.ask('s0'); // asked at 1, seen at the pass at 500
    await advanceTo(t.scheduler, 500 + DRAIN_MS - 1);
    expect(t.shards.isHandingOver('s0')).toBe(true);
    expect(t.coordinator.withdrawnAt).toEqual([]);
    await advanceTo(t.scheduler, 500 + DRAIN_MS + 100);
    expect(t.coordinator.withdrawnAt).toEqual([500 + DRAIN_MS]);
    await t.stop();
  });

  test('a request whose deadline is less than a heartbeat away when seen is withdrawn at once', async () => {
    const t = await startOwner(view);
    const deadline = t.coordinator.ask('s0');
    t.coordinator.heartbeatDelayMs = 2300; // the pass at 500 reads the snapshot at 2800
    await advanceTo(t.scheduler, 2800);
    await advanceTo(t.scheduler, 2801);
    expect(t.coordinator.withdrawnAt).toEqual([2800]);
    expect(t.coordinator.withdrawnAt[0]).toBeLessThan(deadline);
    await t.stop();
  });

  test('a shard already being given up (stalled reads) that is then asked for: that request is withdrawn in time too', async () => {
    const t = await startOwner(view);
    t.sources.get('s0')?.onStalled?.(new RequestTimeoutError('request timed out'), 3);
    expect(t.shards.isHandingOver('s0')).toBe(true);
    const deadline = t.coordinator.ask('s0');
    t.coordinator.heartbeatDelayMs = 900;
    await advanceTo(t.scheduler, deadline + 1000);
    expect(t.coordinator.withdrawnAt).toHaveLength(1);
    expect(t.coordinator.withdrawnAt[0]).toBeLessThanOrEqual(deadline - HEARTBEAT_MS);
    expect(t.leases.get('s0')).toBeDefined();
    await t.stop();
  });
});
