import type { Lease } from '../checkpointers/Checkpointer.js';
import { SHARD, type ConformanceSuite } from './ConformanceSuite.js';

/**
 * Two instances over one store, as two processes of a consumer group open it (the fixture's
 * `connect`; without it both are the fixture's checkpointer): a lease lock, a cache or a
 * read-then-write that holds only inside one instance shows here.
 */
export function conformanceInstances(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('two instances over one store', () => {
    it('gives one shard to exactly one of 20 acquirers spread over two instances', async () => {
      const other = await s.peer();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? s.cp : other).acquireLease(s.stream, SHARD, `worker-${i}`),
        ),
      );
      const winners = results.filter((lease): lease is Lease => lease !== undefined);
      if (winners.length !== 1) {
        throw new Error(
          `expected exactly one of 20 concurrent acquirers on two instances to get ${SHARD}, but ` +
            `${winners.length} did (${winners.map((lease) => lease.owner).join(', ')}): an acquisition ` +
            'must be one atomic, conditional write in the store, not a lock inside one instance',
        );
      }
      const [winner] = winners;
      expect(await other.acquireLease(s.stream, SHARD, winner.owner)).toBeUndefined();
      expect(await s.cp.acquireLease(s.stream, SHARD, winner.owner)).toBeUndefined();
    });

    it('gives a worker id that takes its expired lease again through the other instance a new token', async () => {
      const other = await s.peer();
      const first = await s.mustAcquire(SHARD, 'worker-a');
      // Live: not even its own worker id gets it through the other instance (which now saw it).
      expect(await other.acquireLease(s.stream, SHARD, 'worker-a')).toBeUndefined();
      await s.letLeasesExpire();
      const again = await other.acquireLease(s.stream, SHARD, 'worker-a');
      if (again === undefined)
        throw new Error(`expected worker-a to take the expired ${SHARD} again through the other instance`);
      if (again.token === first.token)
        throw new Error(
          `the two instances gave worker-a the same token (${first.token}) for two acquisitions of ` +
            `${SHARD}: a token must be unique across instances (e.g. a random UUID), or the stale lease ` +
            'writes again',
        );
      await s.leaseLost(
        'checkpoint() on one instance through a lease its worker id took again through the other',
        () => s.cp.checkpoint(first, { sequenceNumber: '1' }),
      );
      await expect(other.checkpoint(again, { sequenceNumber: '2' })).resolves.toBe(true);
    });

    it('shares positions, takeovers and lost leases between the instances', async () => {
      const other = await s.peer();
      const first = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(first, { sequenceNumber: '20' });
      expect(await other.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '20' },
      });
      expect(await other.acquireLease(s.stream, SHARD, 'worker-b')).toBeUndefined();
      await s.letLeasesExpire();
      const taken = await other.acquireLease(s.stream, SHARD, 'worker-b');
      if (taken === undefined)
        throw new Error(`expected worker-b to take the expired ${SHARD} through the other instance`);
      await s.leaseLost('renewLease() on one instance of a lease taken over through the other', () =>
        s.cp.renewLease(first),
      );
      await s.leaseLost('checkpoint() on one instance through a lease taken over through the other', () =>
        s.cp.checkpoint(first, { sequenceNumber: '21' }),
      );
      await expect(other.checkpoint(taken, { sequenceNumber: '30' })).resolves.toBe(true);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '30' },
      });
      const [info] = await s.cp.listLeases(s.stream);
      expect(info?.owner).toBe('worker-b');
    });
  });
}
