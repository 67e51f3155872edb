import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { AssignmentHost } from '../../src/consumer/ShardAssignment.js';

const STREAM = 'orders';

/** Runs one balancing pass of worker 'me' on `snapshot`; the shards it started reading, with their wait. */
async function startedAfterOnePass(
  snapshot: LeaseSnapshot,
  expected: number,
): Promise<[string, number | undefined][]> {
  const leaseOf = (shardId: string): Lease => ({
    streamName: STREAM,
    shardId,
    owner: 'me',
    token: `t-${shardId}`,
    expiresAt: 61_000,
  });
  const coordinator = {
    name: 'fake',
    leaseDurationMs: 60_000,
    heartbeatIntervalMs: 60_000,
    handoffTimeoutMs: 60_000,
    heartbeat: jest.fn(async () => 0),
    leaseSnapshot: jest.fn(async () => snapshot),
    acquireLease: jest.fn(async (_stream: string, shardId: string) => leaseOf(shardId)),
    renewLease: jest.fn(async (lease: Lease) => lease),
    releaseLease: jest.fn(async () => undefined),
    requestHandoff: jest.fn(async () => ({ status: 'free' as const })),
    cancelHandoff: jest.fn(async () => true),
    leaveGroup: jest.fn(async () => undefined),
  } as unknown as LeaseCoordinator;
  const leases = new LeaseManager({
    checkpointer: coordinator,
    coordinator,
    streamName: STREAM,
    workerId: 'me',
    scheduler: asyncScheduler,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
  const started: [string, number | undefined][] = [];
  const host: AssignmentHost = {
    openShards: async () => ['s0', 's1'],
    activeShards: () => new Set(),
    startReading: async (shardId, _lease, waitMs) => void started.push([shardId, waitMs]),
    handOver: () => undefined,
    isHandingOver: () => false,
    isCoolingDown: () => false,
    checkpointerFailed: () => undefined,
    checkpointerOk: () => undefined,
  };
  const balancer = new LeaseBalancer({
    coordinator,
    streamName: STREAM,
    workerId: 'me',
    scheduler: asyncScheduler,
    maxShardConsumers: Number.MAX_SAFE_INTEGER,
    takeoverGraceMs: 250,
    leases,
    host,
    onEvent: () => undefined,
  });
  balancer.start();
  for (let i = 0; i < 50 && started.length < expected; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await balancer.stop();
  await leases.releaseAll();
  return started;
}

test('a shard taken over from a live owner is read only after its lease ran out, plus the grace', async () => {
  // 'old' holds both shards; this worker asked for s0 and the handoff deadline passed.
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me', 'old'],
    leases: [
      { shardId: 's0', owner: 'old', expiresAt: 5000, handoff: { requester: 'me', deadline: 900 } },
      { shardId: 's1', owner: 'old', expiresAt: 5000 },
    ],
  };
  // 4,000 ms left on the old owner's lease (coordinator clock), then the grace.
  expect(await startedAfterOnePass(snapshot, 1)).toEqual([['s0', 4250]]);
});

test('a shard whose lease ran out without a release waits the grace; a released one does not', async () => {
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me'],
    leases: [
      { shardId: 's0', lapsedOwner: 'old' },
      { shardId: 's1', checkpoint: { kind: 'position', position: { sequenceNumber: '1' } } },
    ],
  };
  expect(await startedAfterOnePass(snapshot, 2)).toEqual([
    ['s0', 250],
    ['s1', 0],
  ]);
});

test('a shard found free when asked for (its owner let the lease run out since) is read after the grace', async () => {
  // 'old' holds both shards; this worker holds none, so it asks 'old' for one, and finds it free
  // (the fake answers every request so): as for any lease that ran out without a release, the
  // old owner's handler may still be at work on records of the shard.
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me', 'old'],
    leases: [
      { shardId: 's0', owner: 'old', expiresAt: 5000 },
      { shardId: 's1', owner: 'old', expiresAt: 5000 },
    ],
  };
  expect(await startedAfterOnePass(snapshot, 1)).toEqual([['s0', 250]]);
});
