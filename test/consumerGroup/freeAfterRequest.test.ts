// A worker asks the busiest owner for a shard and finds it free instead: the owner's lease ran
// out since the snapshot (it crashed or stalled), or it gave the shard up. As for any lease that
// ran out without a release, its handler may still be at work on records of the shard: the new
// owner reads it only after takeoverGraceMs.
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { AssignmentHost } from '../../src/consumer/ShardAssignment.js';

const STREAM = 'orders';

test('a shard found free when asked for is read after takeoverGraceMs', async () => {
  // 'old' holds both shards; this worker holds none, so it asks 'old' for one.
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me', 'old'],
    leases: [
      { shardId: 's0', owner: 'old', expiresAt: 5000 },
      { shardId: 's1', owner: 'old', expiresAt: 5000 },
    ],
  };
  const coordinator = {
    name: 'fake',
    leaseDurationMs: 60_000,
    heartbeatIntervalMs: 60_000,
    handoffTimeoutMs: 60_000,
    heartbeat: jest.fn(async () => 0),
    leaseSnapshot: jest.fn(async () => snapshot),
    acquireLease: jest.fn(async (_stream: string, shardId: string): Promise<Lease> => ({
      streamName: STREAM,
      shardId,
      owner: 'me',
      token: `t-${shardId}`,
      expiresAt: 61_000,
    })),
    renewLease: jest.fn(async (lease: Lease) => lease),
    releaseLease: jest.fn(async () => undefined),
    // By the time the request runs, the owner's lease ran out.
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
  for (let i = 0; i < 50 && started.length === 0; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await balancer.stop();
  await leases.releaseAll();
  expect(started).toEqual([['s0', 250]]);
});
