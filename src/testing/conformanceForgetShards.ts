import { SHARD, SHARD_1, SHARD_2, type ConformanceSuite } from './ConformanceSuite.js';

/**
 * forgetShards (optional: each case passes at once for a checkpointer without it): the state of
 * shards the stream no longer lists goes, unless someone holds the lease.
 */
export function conformanceForgetShards(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('forgetShards (when implemented)', () => {
    it('removes the state of shards no one holds and keeps a held one', async () => {
      const forgetShards = s.cp.forgetShards?.bind(s.cp);
      if (forgetShards === undefined) return;
      const ended = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.markShardEnd(ended);
      await s.cp.releaseLease(ended);
      const held = await s.mustAcquire(SHARD_1, 'worker-b');
      await s.cp.checkpoint(held, { sequenceNumber: '5' });
      const forgotten = await forgetShards(s.stream, [SHARD, SHARD_1, SHARD_2]);
      expect([...forgotten].sort()).toEqual([SHARD, SHARD_2]);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toBeUndefined();
      expect(await s.cp.getCheckpoint(s.stream, SHARD_1)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '5' },
      });
      expect((await s.cp.listLeases(s.stream)).map((info) => info.shardId)).toEqual([SHARD_1]);
      // The holder keeps writing through its lease.
      await expect(s.cp.checkpoint(held, { sequenceNumber: '6' })).resolves.toBe(true);
    });

    it('removes a shard whose lease expired, checkpoint and all, and leaves other streams alone', async () => {
      const forgetShards = s.cp.forgetShards?.bind(s.cp);
      if (forgetShards === undefined) return;
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(lease, { sequenceNumber: '8' });
      const other = await s.mustAcquire(SHARD, 'worker-a', `${s.stream}-other`);
      await s.cp.markShardEnd(other);
      await s.cp.releaseLease(other);
      await s.letLeasesExpire();
      expect(await forgetShards(s.stream, [SHARD])).toEqual([SHARD]);
      expect(await s.cp.listLeases(s.stream)).toEqual([]);
      expect(await s.cp.getCheckpoint(`${s.stream}-other`, SHARD)).toEqual({ kind: 'shard-end' });
      // Taken again, the shard starts with nothing stored.
      await s.mustAcquire(SHARD, 'worker-b');
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toBeUndefined();
    });

    it('answers an empty list with an empty list', async () => {
      const forgetShards = s.cp.forgetShards?.bind(s.cp);
      if (forgetShards === undefined) return;
      expect(await forgetShards(s.stream, [])).toEqual([]);
    });
  });
}
