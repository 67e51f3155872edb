// Which requester a shard being given up (stalled reads, above the cap) is handed to: one whose
// request the snapshot shows and who is live. A request of a worker that is gone (no live
// heartbeat) would reserve the shard for it: nobody could take it for handoffReservationMs.
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { AssignmentHost } from '../../src/consumer/ShardAssignment.js';

const STREAM = 'orders';

/** One balancing pass of worker 'me', which is giving up s0; the handOver calls it made. */
async function handOversInOnePass(snapshot: LeaseSnapshot): Promise<(string | undefined)[][]> {
  const coordinator = {
    name: 'fake',
    leaseDurationMs: 60_000,
    heartbeatIntervalMs: 60_000,
    handoffTimeoutMs: 60_000,
    heartbeat: jest.fn(async () => 0),
    leaseSnapshot: jest.fn(async () => snapshot),
    acquireLease: jest.fn(async () => undefined),
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
  const handOvers: (string | undefined)[][] = [];
  let passes = 0;
  const host: AssignmentHost = {
    openShards: async () => {
      passes += 1;
      return ['s0', 's1'];
    },
    activeShards: () => new Set(),
    startReading: async () => undefined,
    handOver: (shardId, requester, request) => void handOvers.push([shardId, requester, request?.requester]),
    isHandingOver: (shardId) => shardId === 's0',
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
    takeoverGraceMs: 0,
    leases,
    host,
    onEvent: () => undefined,
  });
  balancer.start();
  for (let i = 0; i < 50 && passes === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  await balancer.stop();
  await leases.releaseAll();
  return handOvers;
}

const leasesWithRequest = (requester: string): LeaseSnapshot['leases'] => [
  { shardId: 's0', owner: 'me', expiresAt: 60_000, handoff: { requester, deadline: 30_000 } },
  { shardId: 's1', owner: 'other', expiresAt: 60_000 },
];

test('a shard being given up is handed to a live worker that asked for it', async () => {
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me', 'other'],
    leases: leasesWithRequest('other'),
  };
  expect(await handOversInOnePass(snapshot)).toEqual([['s0', 'other', 'other']]);
});

test('a shard being given up is not reserved for a requester that is gone', async () => {
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['me', 'other'],
    leases: leasesWithRequest('gone'),
  };
  expect(await handOversInOnePass(snapshot)).toEqual([]);
});
