// Two consumers sharing one checkpointer that is no LeaseCoordinator (a MemoryCheckpointer in one
// process, or a Checkpointer of your own over a shared store): no balancing, each takes the
// shards whose lease is free. When the one holding the leases stops and releases them, the other
// must take them within one lease renewal period, not at its next shard listing (60 s by
// default); a lease its holder never released (a crash) must still run out first.
import { VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import { LocalAssignment } from '../../src/consumer/LocalAssignment.js';
import { fakeHost } from '../support/fakeLeaseBalancer.js';

const LEASE_MS = 30_000;
/** A third of the lease: how often leases are renewed. */
const RENEWAL_MS = 10_000;
const SHARDS = ['s0', 's1'];

interface Worker {
  readonly leases: LeaseManager;
  readonly assignment: LocalAssignment;
  /** Shards this worker started reading, in order. */
  readonly reading: Set<string>;
  readonly events: ConsumerEvent[];
}

function worker(id: string, checkpointer: MemoryCheckpointer, scheduler: VirtualTimeScheduler): Worker {
  const events: ConsumerEvent[] = [];
  const reading = new Set<string>();
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: id,
    scheduler,
    onEvent: (event) => events.push(event),
    onLost: (shardId) => reading.delete(shardId),
  });
  const host = fakeHost({
    openShards: async () => SHARDS,
    activeShards: () => new Set(reading),
    startReading: async (shardId) => void reading.add(shardId),
  });
  const assignment = new LocalAssignment({
    leases,
    host,
    scheduler,
    maxShardConsumers: Number.MAX_SAFE_INTEGER,
    // The consumer's: min(shardRefreshInterval, 1000).
    retryMs: 1000,
    onEvent: (event) => events.push(event),
  });
  return { leases, assignment, reading, events };
}

/** Lets the passes' promises (the memory checkpointer answers at once) run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Runs the scheduler's timers up to `time`, letting each pass they start finish. */
async function advanceTo(scheduler: VirtualTimeScheduler, time: number): Promise<void> {
  for (;;) {
    await settle();
    const next = scheduler.actions[0];
    if (next === undefined || next.delay > time) break;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  scheduler.frame = time;
}

function setUp(): { scheduler: VirtualTimeScheduler; a: Worker; b: Worker } {
  const scheduler = new VirtualTimeScheduler();
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => scheduler.now() });
  return { scheduler, a: worker('a', checkpointer, scheduler), b: worker('b', checkpointer, scheduler) };
}

async function stopped(...workers: Worker[]): Promise<void> {
  for (const { assignment, leases } of workers) {
    await assignment.stop();
    await leases.releaseAll();
  }
}

test('a lease released by the consumer that held it is taken by the other within one renewal period', async () => {
  const { scheduler, a, b } = setUp();
  a.assignment.start();
  await settle();
  expect([...a.reading]).toEqual(SHARDS);
  b.assignment.start();
  await settle();
  expect(b.reading.size).toBe(0);
  expect(b.events.filter((event) => event.type === 'lease-unavailable')).toHaveLength(2);

  // a stops at t=1 s as a consumer does: its passes end, then its leases are released.
  await advanceTo(scheduler, 1000);
  await a.assignment.stop();
  await a.leases.releaseAll();

  // No shard listing, no lease loss, no shard end: only b's own retry can take them.
  await advanceTo(scheduler, RENEWAL_MS);
  expect([...b.reading].sort()).toEqual(SHARDS);
  expect(b.leases.heldShardIds.sort()).toEqual(SHARDS);
  await stopped(b);
});

test('a lease its holder never released (it crashed) is taken only once it ran out', async () => {
  const { scheduler, a, b } = setUp();
  a.assignment.start();
  await settle();
  b.assignment.start();
  await settle();

  // a dies at t=1 s: no renewal after its acquisition at t=0, nothing released.
  await advanceTo(scheduler, 1000);
  await a.assignment.stop();
  a.leases.abandon();

  await advanceTo(scheduler, LEASE_MS - 1);
  expect(b.reading.size).toBe(0);
  // Ran out at LEASE_MS: taken at b's next try, within one renewal period.
  await advanceTo(scheduler, LEASE_MS + RENEWAL_MS);
  expect([...b.reading].sort()).toEqual(SHARDS);
  await stopped(b);
});

test('a consumer with no room for more shards does not try the refused ones again on its own', async () => {
  const { scheduler } = setUp();
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => scheduler.now() });
  const full = worker('full', checkpointer, scheduler);
  const tries: string[] = [];
  const acquire = full.leases.acquire.bind(full.leases);
  full.leases.acquire = (shardId, holder) => {
    tries.push(shardId);
    return acquire(shardId, holder);
  };
  const capped = new LocalAssignment({
    leases: full.leases,
    host: fakeHost({
      openShards: async () => SHARDS,
      activeShards: () => new Set(full.reading),
      startReading: async (shardId) => void full.reading.add(shardId),
    }),
    scheduler,
    maxShardConsumers: 1,
    retryMs: 1000,
    onEvent: () => undefined,
  });
  // Another consumer holds s0: `full` is refused it, then takes s1 and is at its cap.
  await checkpointer.acquireLease('orders', 's0', 'other');
  capped.start();
  await settle();
  expect([...full.reading]).toEqual(['s1']);
  expect(tries).toEqual(['s0', 's1']);
  await advanceTo(scheduler, 3 * RENEWAL_MS);
  expect(tries).toEqual(['s0', 's1']);
  await capped.stop();
  await full.leases.releaseAll();
});
