// A lease this worker gives up (a shard stalled, above its cap, rewound) while a balancing pass
// reads its snapshot: the snapshot may still show the lease as this worker's, and the release
// land before the pass gets to acquiring. The pass must not take the shard straight back as one
// of "its own it does not read" (that would skip the stalled shard's cool-down, or exceed the
// cap again): a release that had not ended when the pass started counts as a release since.
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { FAKE_STREAM, fakeBalancing, fakeCoordinator, fakeHost } from '../support/fakeLeaseBalancer.js';

test('a release that lands while the pass reads its snapshot is not undone by that pass', async () => {
  // The store: who holds each shard.
  const owners = new Map<string, string>([['s1', 'other']]);
  let endRelease: () => void = () => undefined;
  let releasing = false;
  const leaseOf = (shardId: string): Lease => ({
    streamName: FAKE_STREAM,
    shardId,
    owner: 'me',
    token: `t-${shardId}-${owners.size}`,
    expiresAt: 60_000,
  });
  const coordinator = fakeCoordinator({
    leaseSnapshot: jest.fn(async (): Promise<LeaseSnapshot> => {
      // Read while 'me' still holds s0; the release lands before the answer comes back.
      const snapshot: LeaseSnapshot = {
        now: 1000,
        liveWorkers: ['me', 'other'],
        leases: [...owners].map(([shardId, owner]) => ({ shardId, owner, expiresAt: 60_000 })),
      };
      endRelease();
      await new Promise((resolve) => setTimeout(resolve, 10));
      return snapshot;
    }),
    acquireLease: jest.fn(async (_stream: string, shardId: string) => {
      if (owners.has(shardId)) return undefined;
      owners.set(shardId, 'me');
      return leaseOf(shardId);
    }),
    releaseLease: jest.fn(async (lease: Lease) => {
      // The first release lands only when the pass reads its snapshot.
      if (!releasing) {
        releasing = true;
        await new Promise<void>((resolve) => (endRelease = resolve));
      }
      owners.delete(lease.shardId);
    }),
    requestHandoff: jest.fn(async () => ({ status: 'own' as const, owner: 'me' })),
  });
  const started: string[] = [];
  const host = fakeHost({
    startReading: async (shardId) => void started.push(shardId),
    // s0 was given up after stalled reads: this worker leaves it to the others a while.
    isCoolingDown: (shardId) => shardId === 's0',
  });
  const { leases, balancer } = fakeBalancing(coordinator, host);
  expect(await leases.acquire('s0')).toBeDefined();
  owners.set('s0', 'me');
  // The release starts; the pass starts after it, and reads its snapshot before it lands.
  const released = leases.release('s0');
  await new Promise((resolve) => setTimeout(resolve, 5));
  balancer.start();
  await released;
  await new Promise((resolve) => setTimeout(resolve, 50));
  await balancer.stop();
  await leases.releaseAll();
  expect(started).toEqual([]);
});
