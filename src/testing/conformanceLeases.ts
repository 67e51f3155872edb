import type { Lease } from '../checkpointers/Checkpointer.js';
import { SHARD, type ConformanceSuite } from './ConformanceSuite.js';

/** Leases: who holds a shard, expiry, renewal, release, takeover. */
export function conformanceLeases(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('leases', () => {
    it('gives a free lease to the first owner', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      expect(lease).toMatchObject({ streamName: s.stream, shardId: SHARD, owner: 'worker-a' });
      expect(typeof lease.token).toBe('string');
      expect(lease.token.length).toBeGreaterThan(0);
      expect(typeof lease.expiresAt).toBe('number');
    });

    it('refuses a second owner while the lease is live', async () => {
      await s.mustAcquire(SHARD, 'worker-a');
      expect(await s.cp.acquireLease(s.stream, SHARD, 'worker-b')).toBeUndefined();
    });

    it('never hands a live lease out again, not even to the same worker id (another instance)', async () => {
      const first = await s.mustAcquire(SHARD, 'worker-a');
      expect(await s.cp.acquireLease(s.stream, SHARD, 'worker-a')).toBeUndefined();
      // The holder's lease is untouched and still works.
      await expect(s.cp.checkpoint(first, { sequenceNumber: '1' })).resolves.toBe(true);
      await expect(s.cp.renewLease(first)).resolves.toMatchObject({ token: first.token });
    });

    it('gives an expired lease to the same worker id with a new token; the old token is dead', async () => {
      const first = await s.mustAcquire(SHARD, 'worker-a');
      await s.letLeasesExpire();
      const again = await s.mustAcquire(SHARD, 'worker-a');
      expect(again.token).not.toBe(first.token);
      await s.leaseLost(
        'checkpoint() through the token of an expired lease re-acquired by the same worker id',
        () => s.cp.checkpoint(first, { sequenceNumber: '1' }),
      );
      await expect(s.cp.checkpoint(again, { sequenceNumber: '1' })).resolves.toBe(true);
    });

    it('kills the old token of a worker id that took its expired lease again: no renew, shard end or release through it', async () => {
      const first = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(first, { sequenceNumber: '10' });
      await s.letLeasesExpire();
      const again = await s.mustAcquire(SHARD, 'worker-a');
      const stale = 'the token of an expired lease its worker id acquired again';
      await s.leaseLost(`renewLease() of ${stale}`, () => s.cp.renewLease(first));
      await s.leaseLost(`markShardEnd() through ${stale}`, () => s.cp.markShardEnd(first));
      await s.cp.releaseLease(first);
      const intruder = await s.cp.acquireLease(s.stream, SHARD, 'worker-b');
      if (intruder !== undefined)
        throw new Error(
          `releaseLease() of ${stale} released the new lease (worker-b then acquired it): a release ` +
            'must check the token, not the owner id',
        );
      await expect(s.cp.renewLease(again)).resolves.toMatchObject({ token: again.token });
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '10' },
      });
    });

    it('lets another owner take over an expired lease, with a new token', async () => {
      const old = await s.mustAcquire(SHARD, 'worker-a');
      await s.letLeasesExpire();
      const taken = await s.mustAcquire(SHARD, 'worker-b');
      expect(taken.owner).toBe('worker-b');
      expect(taken.token).not.toBe(old.token);
      expect(await s.cp.acquireLease(s.stream, SHARD, 'worker-a')).toBeUndefined();
    });

    it("refuses the stale owner's renew, checkpoint and markShardEnd after a takeover", async () => {
      const old = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(old, { sequenceNumber: '100' });
      await s.letLeasesExpire();
      await s.mustAcquire(SHARD, 'worker-b');

      const renewError = await s.leaseLost('renewLease() of a lease another worker took over', () =>
        s.cp.renewLease(old),
      );
      expect(renewError.retriable).toBe(false);
      expect(renewError.context).toMatchObject({ streamName: s.stream, shardId: SHARD });
      expect(renewError.expectedOwner).toBe('worker-a');
      expect(renewError.actualOwner).toBe('worker-b');
      await s.leaseLost('checkpoint() through a lease another worker took over', () =>
        s.cp.checkpoint(old, { sequenceNumber: '200' }),
      );
      await s.leaseLost('markShardEnd() through a lease another worker took over', () =>
        s.cp.markShardEnd(old),
      );
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '100' },
      });
    });

    it('refuses to renew, checkpoint or mark the shard end through an expired lease nobody took', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.letLeasesExpire();
      const error = await s.leaseLost('renewLease() of an expired lease', () => s.cp.renewLease(lease));
      expect(error.expectedOwner).toBe('worker-a');
      await s.leaseLost('checkpoint() through an expired lease', () =>
        s.cp.checkpoint(lease, { sequenceNumber: '1' }),
      );
      await s.leaseLost('markShardEnd() through an expired lease', () => s.cp.markShardEnd(lease));
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toBeUndefined();
    });

    it('extends a lease on renewal', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.fixture.advanceTime(Math.floor(s.duration * 0.6));
      const renewed = await s.cp.renewLease(lease);
      expect(renewed).toMatchObject({
        streamName: s.stream,
        shardId: SHARD,
        owner: 'worker-a',
        token: lease.token,
      });
      expect(renewed.expiresAt).toBeGreaterThan(lease.expiresAt);
      await s.fixture.advanceTime(Math.floor(s.duration * 0.6));
      // Past the first expiry, within the renewed one.
      expect(await s.cp.acquireLease(s.stream, SHARD, 'worker-b')).toBeUndefined();
      await expect(s.cp.checkpoint(renewed, { sequenceNumber: '5' })).resolves.toBe(true);
    });

    it('keeps the position when a lease is released and lets another owner acquire it', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(lease, { sequenceNumber: '42', subSequenceNumber: 3 });
      await s.cp.releaseLease(lease);
      const next = await s.mustAcquire(SHARD, 'worker-b');
      expect(next.token).not.toBe(lease.token);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '42', subSequenceNumber: 3 },
      });
      await s.leaseLost('checkpoint() through a released lease another worker acquired', () =>
        s.cp.checkpoint(lease, { sequenceNumber: '43' }),
      );
    });

    it('kills a released lease at once: no renew, checkpoint or shard end through it, even before anyone takes it', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(lease, { sequenceNumber: '10' });
      await s.cp.releaseLease(lease);
      await s.leaseLost('renewLease() of a released lease', () => s.cp.renewLease(lease));
      await s.leaseLost('checkpoint() through a released lease', () =>
        s.cp.checkpoint(lease, { sequenceNumber: '11' }),
      );
      await s.leaseLost('markShardEnd() through a released lease', () => s.cp.markShardEnd(lease));
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '10' },
      });
      const again = await s.mustAcquire(SHARD, 'worker-a');
      expect(again.token).not.toBe(lease.token);
    });

    it('ignores the release of a lease that is no longer ours', async () => {
      const old = await s.mustAcquire(SHARD, 'worker-a');
      await s.letLeasesExpire();
      const current = await s.mustAcquire(SHARD, 'worker-b');
      await s.cp.releaseLease(old);
      await s.cp.releaseLease(old);
      expect(await s.cp.acquireLease(s.stream, SHARD, 'worker-c')).toBeUndefined();
      await expect(s.cp.renewLease(current)).resolves.toMatchObject({ owner: 'worker-b' });
    });

    it('keeps leases per stream: the same shard id in two streams is independent', async () => {
      const other = `${s.stream}-other`;
      const a = await s.mustAcquire(SHARD, 'worker-a');
      const b = await s.mustAcquire(SHARD, 'worker-b', other);
      expect(b.streamName).toBe(other);
      await s.cp.checkpoint(a, { sequenceNumber: '7' });
      expect(await s.cp.getCheckpoint(other, SHARD)).toBeUndefined();
      await s.cp.markShardEnd(b);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '7' },
      });
      expect(await s.cp.getCheckpoint(other, SHARD)).toEqual({ kind: 'shard-end' });
    });

    it('gives one shard to exactly one of 20 concurrent acquirers', async () => {
      const owners = Array.from({ length: 20 }, (_, i) => `worker-${i}`);
      const results = await Promise.all(owners.map((owner) => s.cp.acquireLease(s.stream, SHARD, owner)));
      const winners = results.filter((lease): lease is Lease => lease !== undefined);
      expect(winners).toHaveLength(1);
      const [winner] = winners;
      await expect(s.cp.checkpoint(winner, { sequenceNumber: '1' })).resolves.toBe(true);
      const [info] = await s.cp.listLeases(s.stream);
      expect(info.owner).toBe(winner.owner);
    });
  });
}
