// A consumer refused leases held by another tries again one renewal period later: with one timer
// for all the refused shards (not one per shard, however often passes run meanwhile), none left
// once it stopped, and a consumer alone on its checkpointer (never refused) adds no call at all.
import { VirtualTimeScheduler } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import { LocalAssignment } from '../../src/consumer/LocalAssignment.js';
import { fakeHost } from '../support/fakeLeaseBalancer.js';

const LEASE_MS = 30_000;
/** A third of the lease: how often leases are renewed. */
const RENEWAL_MS = 10_000;

/** Lets the passes' promises (the memory checkpointer answers at once) run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Timers still pending on the scheduler. */
function pending(scheduler: VirtualTimeScheduler): number {
  return scheduler.actions.filter((action) => !action.closed).length;
}

/** A worker on `shards` whose shard listings and lease attempts are recorded in `calls`. */
function worker(
  shards: readonly string[],
  checkpointer: MemoryCheckpointer,
  scheduler: VirtualTimeScheduler,
) {
  const reading = new Set<string>();
  const calls: string[] = [];
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w',
    scheduler,
    onEvent: () => undefined,
    onLost: (shardId) => reading.delete(shardId),
  });
  const acquire = leases.acquire.bind(leases);
  leases.acquire = (shardId, holder) => {
    calls.push(`acquire ${shardId}`);
    return acquire(shardId, holder);
  };
  const assignment = new LocalAssignment({
    leases,
    host: fakeHost({
      openShards: async () => {
        calls.push('list');
        return [...shards];
      },
      activeShards: () => new Set(reading),
      startReading: async (shardId) => void reading.add(shardId),
    }),
    scheduler,
    maxShardConsumers: Number.MAX_SAFE_INTEGER,
    retryMs: 1000,
    onEvent: () => undefined,
  });
  return { leases, assignment, reading, calls };
}

test('many refused shards make one retry timer, and a stopped consumer leaves none', async () => {
  const scheduler = new VirtualTimeScheduler();
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => scheduler.now() });
  const shards = Array.from({ length: 50 }, (_, n) => `s${n}`);
  for (const shardId of shards) await checkpointer.acquireLease('orders', shardId, 'other');
  const { leases, assignment } = worker(shards, checkpointer, scheduler);
  assignment.start();
  await settle();
  expect(scheduler.actions.map((action) => action.delay)).toEqual([RENEWAL_MS]);
  // Passes started meanwhile (shard listings) are refused too: still one timer.
  assignment.trigger();
  await settle();
  assignment.trigger();
  await settle();
  expect(pending(scheduler)).toBe(1);
  await assignment.stop();
  await leases.releaseAll();
  expect(pending(scheduler)).toBe(0);
});

test('a consumer alone on its MemoryCheckpointer makes no call after its first pass', async () => {
  const scheduler = new VirtualTimeScheduler();
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => scheduler.now() });
  const { leases, assignment, reading, calls } = worker(['s0', 's1', 's2'], checkpointer, scheduler);
  assignment.start();
  await settle();
  expect(calls).toEqual(['list', 'acquire s0', 'acquire s1', 'acquire s2']);
  expect([...reading].sort()).toEqual(['s0', 's1', 's2']);
  for (let period = 1; period <= 20; period += 1) {
    scheduler.maxFrames = period * RENEWAL_MS;
    scheduler.flush();
    await settle();
  }
  expect(calls).toEqual(['list', 'acquire s0', 'acquire s1', 'acquire s2']);
  await assignment.stop();
  await leases.releaseAll();
  expect(pending(scheduler)).toBe(0);
});
