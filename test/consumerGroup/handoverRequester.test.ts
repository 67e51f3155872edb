// Which requester a shard being given up (stalled reads, above the cap) is handed to: one whose
// request the snapshot shows and who is live. A request of a worker that is gone (no live
// heartbeat) would reserve the shard for it: nobody could take it for handoffReservationMs.
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { fakeBalancing, fakeCoordinator, fakeHost } from '../support/fakeLeaseBalancer.js';

/** One balancing pass of worker 'me', which is giving up s0; the handOver calls it made. */
async function handOversInOnePass(snapshot: LeaseSnapshot): Promise<(string | undefined)[][]> {
  const coordinator = fakeCoordinator({ leaseSnapshot: jest.fn(async () => snapshot) });
  const handOvers: (string | undefined)[][] = [];
  let passes = 0;
  const host = fakeHost({
    openShards: async () => {
      passes += 1;
      return ['s0', 's1'];
    },
    handOver: (shardId, requester, request) => void handOvers.push([shardId, requester, request?.requester]),
    isHandingOver: (shardId) => shardId === 's0',
  });
  const { leases, balancer } = fakeBalancing(coordinator, host);
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
