import { SHARD, SHARD_1, SHARD_2, type ConformanceSuite } from './ConformanceSuite.js';

/** listLeases: what a stream's leases and checkpoints look like. */
export function conformanceListLeases(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('listLeases', () => {
    it('is empty for an unknown stream', async () => {
      expect(await s.cp.listLeases(`${s.stream}-other`)).toEqual([]);
    });

    it('shows owners, expiry and checkpoints of the stream', async () => {
      const a = await s.mustAcquire(SHARD, 'worker-a');
      const b = await s.mustAcquire(SHARD_1, 'worker-b');
      const c = await s.mustAcquire(SHARD_2, 'worker-c');
      await s.cp.checkpoint(a, { sequenceNumber: '11', subSequenceNumber: 2 });
      await s.cp.markShardEnd(c);
      await s.cp.releaseLease(c);
      await s.mustAcquire(SHARD, 'worker-x', `${s.stream}-other`);

      const infos = (await s.cp.listLeases(s.stream)).sort((x, y) => (x.shardId < y.shardId ? -1 : 1));
      expect(infos).toEqual([
        {
          shardId: SHARD,
          owner: 'worker-a',
          expiresAt: a.expiresAt,
          checkpoint: { kind: 'position', position: { sequenceNumber: '11', subSequenceNumber: 2 } },
        },
        { shardId: SHARD_1, owner: 'worker-b', expiresAt: b.expiresAt },
        { shardId: SHARD_2, checkpoint: { kind: 'shard-end' } },
      ]);
    });

    it('lists an expired lease without an owner', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(lease, { sequenceNumber: '8' });
      await s.letLeasesExpire();
      expect(await s.cp.listLeases(s.stream)).toEqual([
        { shardId: SHARD, checkpoint: { kind: 'position', position: { sequenceNumber: '8' } } },
      ]);
    });
  });
}
