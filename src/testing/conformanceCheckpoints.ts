import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { SHARD, SHARD_1, SHARD_2, type ConformanceSuite } from './ConformanceSuite.js';

/** Checkpoints: positions stored and read back, never backwards, the shard end marker, validation. */
export function conformanceCheckpoints(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('checkpoints', () => {
    it('has no checkpoint for an unknown shard', async () => {
      expect(await s.cp.getCheckpoint(s.stream, 'shardId-999999999999')).toBeUndefined();
    });

    it('stores positions and reads them back, with and without a sub-sequence number', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await expect(s.cp.checkpoint(lease, { sequenceNumber: '100' })).resolves.toBe(true);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '100' },
      });
      await expect(s.cp.checkpoint(lease, { sequenceNumber: '101', subSequenceNumber: 0 })).resolves.toBe(
        true,
      );
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: '101', subSequenceNumber: 0 },
      });
    });

    it('never moves backwards', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      const read = async () => {
        const stored = await s.cp.getCheckpoint(s.stream, SHARD);
        return stored?.kind === 'position' ? stored.position : stored;
      };
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 3 })).toBe(true);
      // Same position again is not backwards.
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 3 })).toBe(true);
      // Lower sequence number.
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '499' })).toBe(false);
      // Same sequence number, lower sub-sequence number.
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 2 })).toBe(false);
      expect(await read()).toEqual({ sequenceNumber: '500', subSequenceNumber: 3 });
      // The whole record comes after any of its items, and no item comes after it.
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '500' })).toBe(true);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 9 })).toBe(false);
      expect(await read()).toEqual({ sequenceNumber: '500' });
      // The first item of the next record comes after the whole previous record.
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '501', subSequenceNumber: 0 })).toBe(true);
      expect(await read()).toEqual({ sequenceNumber: '501', subSequenceNumber: 0 });
    });

    it('compares sequence numbers as numbers, not as text', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '9' })).toBe(true);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '10' })).toBe(true);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '9' })).toBe(false);

      const big = '49590338271490256608559692538361571095921575989136588801'; // 56 digits
      const bigger = '49590338271490256608559692538361571095921575989136588802';
      const shorter = '9'.repeat(55); // lexically greater than both, numerically smaller
      expect(await s.cp.checkpoint(lease, { sequenceNumber: big })).toBe(true);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: shorter })).toBe(false);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: bigger })).toBe(true);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: big, subSequenceNumber: 1 })).toBe(false);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({
        kind: 'position',
        position: { sequenceNumber: bigger },
      });
    });

    it('stores the shard end marker, which is final', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.checkpoint(lease, { sequenceNumber: '300' });
      await s.cp.markShardEnd(lease);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({ kind: 'shard-end' });
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '999999' })).toBe(false);
      await s.cp.markShardEnd(lease);
      await s.cp.releaseLease(lease);
      const next = await s.mustAcquire(SHARD, 'worker-b');
      expect(await s.cp.checkpoint(next, { sequenceNumber: '1' })).toBe(false);
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({ kind: 'shard-end' });
    });

    it('takes the shard lineage on acquireLease and markShardEnd; one that stores it reports it as given', async () => {
      const hashKeyRange = { startingHashKey: '0', endingHashKey: '340282366920938463463374607431768211455' };
      const lease = await s.cp.acquireLease(s.stream, SHARD, 'worker-a', {
        parentShardIds: [SHARD_1],
        hashKeyRange,
      });
      if (lease === undefined) throw new Error(`expected worker-a to acquire ${SHARD}`);
      expect(await s.cp.checkpoint(lease, { sequenceNumber: '7' })).toBe(true);
      await s.cp.markShardEnd(lease, { childShardIds: [SHARD_2] });
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toEqual({ kind: 'shard-end' });
      const info = (await s.cp.listLeases(s.stream)).find((entry) => entry.shardId === SHARD);
      if (info?.lineage !== undefined)
        expect(info.lineage).toEqual({ parentShardIds: [SHARD_1], childShardIds: [SHARD_2], hashKeyRange });
    });

    it('rejects malformed positions and names with InvalidOptionError', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      for (const position of [
        { sequenceNumber: '' },
        { sequenceNumber: '12a' },
        { sequenceNumber: '-1' },
        { sequenceNumber: '1.5' },
        { sequenceNumber: '1', subSequenceNumber: -1 },
        { sequenceNumber: '1', subSequenceNumber: 1.5 },
      ])
        await s.failsWith(
          `checkpoint() of the malformed position ${JSON.stringify(position)}`,
          InvalidOptionError,
          () => s.cp.checkpoint(lease, position),
        );
      await s.failsWith('getCheckpoint() of an empty stream name', InvalidOptionError, () =>
        s.cp.getCheckpoint('', SHARD),
      );
      await s.failsWith('acquireLease() of an empty shard id', InvalidOptionError, () =>
        s.cp.acquireLease(s.stream, '', 'worker-a'),
      );
      await s.failsWith('acquireLease() for an empty owner', InvalidOptionError, () =>
        s.cp.acquireLease(s.stream, SHARD, ''),
      );
      expect(await s.cp.getCheckpoint(s.stream, SHARD)).toBeUndefined();
    });
  });
}
