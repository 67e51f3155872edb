// The balancer publishes its maxShardConsumers with its heartbeat and plans with the caps the
// other workers published; a coordinator that knows nothing of caps keeps working.
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type {
  HeartbeatOptions,
  LeaseCoordinator,
  LeaseSnapshot,
} from '../../src/checkpointers/LeaseCoordinator.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { AssignmentHost } from '../../src/consumer/ShardAssignment.js';

const STREAM = 'orders';
const SHARDS = Array.from({ length: 9 }, (_, i) => `s${i}`);

/** One balancing pass of worker 'me' on `snapshot`: the heartbeat's arguments and the shards it started. */
async function onePass(snapshot: LeaseSnapshot, maxShardConsumers: number) {
  const leaseOf = (shardId: string): Lease => ({
    streamName: STREAM,
    shardId,
    owner: 'me',
    token: `t-${shardId}`,
    expiresAt: 61_000,
  });
  // A custom coordinator written before caps: heartbeat takes two arguments.
  const heartbeat = jest.fn(async (_stream: string, _worker: string) => 0);
  const coordinator = {
    name: 'custom',
    leaseDurationMs: 60_000,
    heartbeatIntervalMs: 60_000,
    handoffTimeoutMs: 60_000,
    heartbeat,
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
  const started: string[] = [];
  let passes = 0;
  const host: AssignmentHost = {
    openShards: async () => SHARDS,
    activeShards: () => new Set(),
    startReading: async (shardId) => void started.push(shardId),
    handOver: () => undefined,
    isHandingOver: () => false,
    isCoolingDown: () => false,
    checkpointerFailed: () => undefined,
    checkpointerOk: () => void (passes += 1),
  };
  const balancer = new LeaseBalancer({
    coordinator,
    streamName: STREAM,
    workerId: 'me',
    scheduler: asyncScheduler,
    maxShardConsumers,
    takeoverGraceMs: 0,
    leases,
    host,
    onEvent: () => undefined,
  });
  balancer.start();
  for (let i = 0; i < 500 && passes === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  await balancer.stop();
  await leases.releaseAll();
  return { heartbeatArgs: heartbeat.mock.calls[0] as unknown[], started };
}

const held = (owner: string, shardIds: string[]) =>
  shardIds.map((shardId) => ({ shardId, owner, expiresAt: 9_000 }));

test('publishes its maxShardConsumers with the heartbeat, and no cap when unlimited', async () => {
  const snapshot: LeaseSnapshot = { now: 1000, liveWorkers: ['me'], leases: [] };
  // Besides the cap, the heartbeat carries the signal a stop aborts (see stopWhileTableCreating).
  const withoutSignal = (args: unknown[]) => {
    const [stream, worker, { signal, ...rest }] = args as [string, string, HeartbeatOptions];
    expect(signal).toBeInstanceOf(AbortSignal);
    return [stream, worker, rest];
  };
  expect(withoutSignal((await onePass(snapshot, 2)).heartbeatArgs)).toEqual([
    STREAM,
    'me',
    { maxShardConsumers: 2 },
  ]);
  expect(withoutSignal((await onePass(snapshot, Number.MAX_SAFE_INTEGER)).heartbeatArgs)).toEqual([
    STREAM,
    'me',
    {},
  ]);
});

test("takes the shards a capped worker leaves: 9 shards, 'c' capped at 1, 'a' holding 3", async () => {
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['a', 'c', 'me'],
    workerCaps: [{ workerId: 'c', maxShardConsumers: 1 }],
    leases: [...held('a', ['s0', 's1', 's2']), ...held('c', ['s8'])],
  };
  expect((await onePass(snapshot, Number.MAX_SAFE_INTEGER)).started).toEqual(['s3', 's4', 's5', 's6']);
});

test('a snapshot without workerCaps (a coordinator that keeps none) counts everyone as unlimited', async () => {
  const snapshot: LeaseSnapshot = {
    now: 1000,
    liveWorkers: ['a', 'c', 'me'],
    leases: [...held('a', ['s0', 's1', 's2']), ...held('c', ['s8'])],
  };
  expect((await onePass(snapshot, Number.MAX_SAFE_INTEGER)).started).toEqual(['s3', 's4', 's5']);
});
