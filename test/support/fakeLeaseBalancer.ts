// A LeaseBalancer of worker 'me' on a fake coordinator and a fake host, for tests of what one
// balancing pass decides: each store call is a jest mock with a plain default answer (a test
// replaces those it is about), and the host answers as one that reads nothing.
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import type { AssignmentHost } from '../../src/consumer/ShardAssignment.js';

/** The stream the fake balancing works on. */
export const FAKE_STREAM = 'orders';
/** The worker id of the balancing worker. */
export const FAKE_WORKER = 'me';

/** The store calls a balancing pass makes (with its lease manager), as the fake answers them. */
export type FakeCoordinatorCalls = Pick<
  LeaseCoordinator,
  | 'heartbeat'
  | 'leaseSnapshot'
  | 'acquireLease'
  | 'renewLease'
  | 'releaseLease'
  | 'requestHandoff'
  | 'cancelHandoff'
  | 'leaveGroup'
>;

/**
 * A coordinator with a one-minute lease, heartbeat and handoff timeout, whose calls answer by
 * default: heartbeat 0, an empty snapshot with 'me' live, no lease acquired, renewals and
 * releases that succeed, every shard asked for found free, withdrawals that find the request.
 */
export function fakeCoordinator(calls: Partial<FakeCoordinatorCalls> = {}): LeaseCoordinator {
  const defaults: FakeCoordinatorCalls = {
    heartbeat: jest.fn(async () => 0),
    leaseSnapshot: jest.fn(async (): Promise<LeaseSnapshot> => ({
      now: 1000,
      liveWorkers: [FAKE_WORKER],
      leases: [],
    })),
    acquireLease: jest.fn(async () => undefined),
    renewLease: jest.fn(async (lease: Lease) => lease),
    releaseLease: jest.fn(async () => undefined),
    requestHandoff: jest.fn(async () => ({ status: 'free' as const })),
    cancelHandoff: jest.fn(async () => true),
    leaveGroup: jest.fn(async () => undefined),
  };
  return {
    name: 'fake',
    leaseDurationMs: 60_000,
    heartbeatIntervalMs: 60_000,
    handoffTimeoutMs: 60_000,
    ...defaults,
    ...calls,
  } as unknown as LeaseCoordinator;
}

/** A host with open shards s0 and s1 that reads nothing, hands nothing over and never cools down. */
export function fakeHost(overrides: Partial<AssignmentHost> = {}): AssignmentHost {
  return {
    openShards: async () => ['s0', 's1'],
    activeShards: () => new Set(),
    startReading: async () => undefined,
    handOver: () => undefined,
    isHandingOver: () => false,
    isCoolingDown: () => false,
    checkpointerFailed: () => undefined,
    checkpointerOk: () => undefined,
    ...overrides,
  };
}

/** Worker 'me' balancing on `coordinator` and `host`: its lease manager and its (not started) balancer. */
export function fakeBalancing(
  coordinator: LeaseCoordinator,
  host: AssignmentHost,
  takeoverGraceMs = 0,
): { readonly leases: LeaseManager; readonly balancer: LeaseBalancer } {
  const leases = new LeaseManager({
    checkpointer: coordinator,
    coordinator,
    streamName: FAKE_STREAM,
    workerId: FAKE_WORKER,
    scheduler: asyncScheduler,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
  const balancer = new LeaseBalancer({
    coordinator,
    streamName: FAKE_STREAM,
    workerId: FAKE_WORKER,
    scheduler: asyncScheduler,
    maxShardConsumers: Number.MAX_SAFE_INTEGER,
    takeoverGraceMs,
    leases,
    host,
    onEvent: () => undefined,
  });
  return { leases, balancer };
}
