// Leaving the group withdraws the handoff requests this worker made: an owner that released a
// shard for it meanwhile reserved the lease for it, and nobody would read the shard until that
// reservation ran out.
import { asyncScheduler } from 'rxjs';
import { DynamoDBRequestError } from '../../src/checkpointers/dynamodb/errors/DynamoDBRequestError.js';
import { CheckpointerClosedError } from '../../src/checkpointers/errors/CheckpointerClosedError.js';
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { LeaseBalancer } from '../../src/consumer/LeaseBalancer.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import {
  FAKE_STREAM,
  FAKE_WORKER,
  fakeBalancing,
  fakeCoordinator,
  fakeHost,
} from '../support/fakeLeaseBalancer.js';

/** 'other' holds both shards, this worker none: its first pass asks for one. */
const BUSY: LeaseSnapshot = {
  now: 1000,
  liveWorkers: [FAKE_WORKER, 'other'],
  leases: [
    { shardId: 's0', owner: 'other', expiresAt: 61_000 },
    { shardId: 's1', owner: 'other', expiresAt: 61_000 },
  ],
};

async function untilCalled(mock: jest.Mock): Promise<void> {
  for (let i = 0; i < 200 && mock.mock.calls.length === 0; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

test('leaving withdraws the request made, after leaving the group', async () => {
  const order: string[] = [];
  const requestHandoff = jest.fn(async () => ({
    status: 'requested' as const,
    owner: 'other',
    deadline: 61_000,
  }));
  const leaveGroup = jest.fn(async () => void order.push('leaveGroup'));
  const cancelHandoff = jest.fn(async (_stream: string, shardId: string) => {
    order.push(`cancelHandoff ${shardId}`);
    return true;
  });
  const coordinator = fakeCoordinator({
    leaseSnapshot: jest.fn(async () => BUSY),
    requestHandoff,
    leaveGroup,
    cancelHandoff,
  });
  const { leases, balancer } = fakeBalancing(coordinator, fakeHost());
  balancer.start();
  await untilCalled(requestHandoff);
  await balancer.stop();
  await leases.releaseAll();
  expect(cancelHandoff).not.toHaveBeenCalled();
  await balancer.leave();
  expect(order).toEqual(['leaveGroup', 'cancelHandoff s0']);
  expect(cancelHandoff).toHaveBeenCalledWith(FAKE_STREAM, 's0', FAKE_WORKER);
  // Withdrawn once: a second leave has nothing left to withdraw.
  await balancer.leave();
  expect(cancelHandoff).toHaveBeenCalledTimes(1);
});

test('a request withdrawn by a pass, or a shard acquired, is not withdrawn again on leaving', async () => {
  let snapshot = BUSY;
  const requestHandoff = jest.fn(async () => ({
    status: 'requested' as const,
    owner: 'other',
    deadline: 61_000,
  }));
  const cancelHandoff = jest.fn(async () => true);
  const coordinator = fakeCoordinator({
    leaseSnapshot: jest.fn(async () => snapshot),
    requestHandoff,
    cancelHandoff,
    acquireLease: jest.fn(async (_stream: string, shardId: string) => ({
      streamName: FAKE_STREAM,
      shardId,
      owner: FAKE_WORKER,
      token: `t-${shardId}`,
      expiresAt: 61_000,
    })),
  });
  const { leases, balancer } = fakeBalancing(coordinator, fakeHost());
  balancer.start();
  await untilCalled(requestHandoff);
  // The owner released s0 for this worker: the next pass acquires it.
  snapshot = {
    ...BUSY,
    leases: [
      { shardId: 's0', reservation: { worker: FAKE_WORKER, until: 61_000 } },
      { shardId: 's1', owner: 'other', expiresAt: 61_000 },
    ],
  };
  balancer.trigger();
  for (let i = 0; i < 200 && leases.get('s0') === undefined; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(leases.get('s0')).toBeDefined();
  await balancer.stop();
  await leases.releaseAll();
  await balancer.leave();
  expect(cancelHandoff).not.toHaveBeenCalled();
});

describe('a leave that fails (a store hiccup at shutdown)', () => {
  const hiccup = () =>
    new DynamoDBRequestError({
      operation: 'DeleteItem',
      tableName: 'group-workers',
      attempts: 1,
      retriable: true,
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });

  /** A balancer whose heartbeat keeps it live for `liveMs` from the snapshot's `now`. */
  function leaving(leaveGroup: jest.Mock, liveMs = 60_000) {
    const events: ConsumerEvent[] = [];
    const coordinator = fakeCoordinator({
      heartbeat: jest.fn(async () => 1000 + liveMs),
      leaseSnapshot: jest.fn(async () => BUSY),
      requestHandoff: jest.fn(async () => ({
        status: 'requested' as const,
        owner: 'other',
        deadline: 61_000,
      })),
      leaveGroup,
    });
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
      takeoverGraceMs: 0,
      leases,
      host: fakeHost(),
      onEvent: (event) => void events.push(event),
    });
    const retried = () =>
      events.flatMap((event) =>
        event.type === 'error-retried' && event.operation === 'leaveGroup'
          ? [{ attempt: event.attempt, retried: event.delayMs > 0 }]
          : [],
      );
    return { coordinator, balancer, events, retried };
  }

  async function joined(balancer: LeaseBalancer, coordinator: { requestHandoff: unknown }) {
    balancer.start();
    await untilCalled(coordinator.requestHandoff as jest.Mock);
    await balancer.stop();
  }

  afterEach(() => jest.restoreAllMocks());

  it('is retried with back-off until it goes through, then the requests are withdrawn', async () => {
    const leaveGroup = jest
      .fn(async () => undefined)
      .mockRejectedValueOnce(hiccup())
      .mockRejectedValueOnce(hiccup());
    const { coordinator, balancer, retried } = leaving(leaveGroup);
    await joined(balancer, coordinator);
    await balancer.leave();
    expect(leaveGroup).toHaveBeenCalledTimes(3);
    expect(retried()).toEqual([
      { attempt: 1, retried: true },
      { attempt: 2, retried: true },
    ]);
    expect(coordinator.cancelHandoff).toHaveBeenCalledWith(FAKE_STREAM, 's0', FAKE_WORKER);
  });

  it('is not retried past the heartbeat that keeps the worker live (the group counts it gone then)', async () => {
    const leaveGroup = jest.fn(async () => {
      throw hiccup();
    });
    const { coordinator, balancer, retried } = leaving(leaveGroup, 400);
    await joined(balancer, coordinator);
    const startedAt = Date.now();
    await balancer.leave();
    expect(Date.now() - startedAt).toBeLessThan(400 + 1000);
    const reports = retried();
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)).toEqual({ attempt: reports.length, retried: false });
    expect(leaveGroup).toHaveBeenCalledTimes(reports.length);
    expect(coordinator.cancelHandoff).not.toHaveBeenCalled();
  });

  it('is not retried after a failure no retry mends', async () => {
    const leaveGroup = jest.fn(async () => {
      throw new CheckpointerClosedError('fake', 'leave the group');
    });
    const { coordinator, balancer, retried } = leaving(leaveGroup);
    await joined(balancer, coordinator);
    await balancer.leave();
    expect(retried()).toEqual([{ attempt: 1, retried: false }]);
  });

  it('ends its wait at once, its timer cancelled, when the stop runs out of time (signal)', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const stop = new AbortController();
    const leaveGroup = jest.fn(async () => {
      // The stop's deadline passes while the first retry waits (about 100 ms).
      setTimeout(() => stop.abort(), 10);
      throw hiccup();
    });
    const { coordinator, balancer, retried } = leaving(leaveGroup);
    await joined(balancer, coordinator);
    const schedule = jest.spyOn(asyncScheduler, 'schedule');
    await balancer.leave(stop.signal);
    expect(leaveGroup).toHaveBeenCalledTimes(1);
    expect(retried()).toEqual([{ attempt: 1, retried: true }]);
    // The back-off timer was cancelled with the wait: nothing of the leave is left scheduled.
    const timers = schedule.mock.results.map((result) => result.value as { closed: boolean });
    expect(timers.length).toBeGreaterThan(0);
    for (const timer of timers) expect(timer.closed).toBe(true);
    expect(coordinator.cancelHandoff).not.toHaveBeenCalled();
  });
});
