// Leaving the group withdraws the handoff requests this worker made: an owner that released a
// shard for it meanwhile reserved the lease for it, and nobody would read the shard until that
// reservation ran out.
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
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
