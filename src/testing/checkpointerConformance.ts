import type { Checkpointer, Lease } from '../checkpointers/Checkpointer.js';
import { CheckpointerClosedError } from '../checkpointers/errors/CheckpointerClosedError.js';
import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { CheckpointerFixture } from './CheckpointerFixture.js';
import { resolveTestApi, type ConformanceTestApi } from './ConformanceTestApi.js';
import { rejectionOf } from './rejectionOf.js';

const SHARD = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
const SHARD_2 = 'shardId-000000000002';

/**
 * The behaviour every Checkpointer must show, as a test suite for Jest or Vitest. Call it at the
 * top level of a test file; `setup` runs before each test and gives it a fresh fixture.
 *
 * Works with a fake clock and with real time: the setup picks `leaseDurationMs` (with real time
 * keep it short but well above one round trip, e.g. 500-1000 ms), and every step that needs a
 * lease to still be live runs within `leaseDurationMs / 2` of its acquisition or renewal.
 *
 * The checkpointer must fail with this package's error classes (`LeaseLostError`,
 * `CheckpointerClosedError`, `InvalidOptionError`). `testApi` gives the runner's functions;
 * without it the suite uses the globals (Jest, or Vitest with `globals: true`).
 */
export function describeCheckpointerConformance(
  name: string,
  setup: () => Promise<CheckpointerFixture>,
  testApi?: ConformanceTestApi,
): void {
  const { describe, it, beforeEach, afterEach, expect } = resolveTestApi(testApi);
  describe(`${name} (Checkpointer conformance)`, () => {
    let fixture: CheckpointerFixture;
    let cp: Checkpointer;
    let stream: string;
    let duration: number;

    /** Long enough for any lease acquired or renewed before the call to have expired. */
    const letLeasesExpire = (): Promise<void> => fixture.advanceTime(duration + Math.ceil(duration / 4) + 20);

    const mustAcquire = async (shardId: string, owner: string, streamName = stream): Promise<Lease> => {
      const lease = await cp.acquireLease(streamName, shardId, owner);
      if (lease === undefined) throw new Error(`expected ${owner} to acquire ${shardId}`);
      return lease;
    };

    const leaseLost = async (operation: () => Promise<unknown>): Promise<LeaseLostError> => {
      const error = await rejectionOf(operation);
      expect(error).toBeInstanceOf(LeaseLostError);
      return error as LeaseLostError;
    };

    beforeEach(async () => {
      fixture = await setup();
      cp = fixture.checkpointer;
      stream = fixture.streamName;
      duration = cp.leaseDurationMs;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('has a name and a positive lease duration', async () => {
      expect(typeof cp.name).toBe('string');
      expect(cp.name.length).toBeGreaterThan(0);
      expect(Number.isFinite(cp.leaseDurationMs) && cp.leaseDurationMs > 0).toBe(true);
    });

    describe('leases', () => {
      it('gives a free lease to the first owner', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        expect(lease).toMatchObject({ streamName: stream, shardId: SHARD, owner: 'worker-a' });
        expect(typeof lease.token).toBe('string');
        expect(lease.token.length).toBeGreaterThan(0);
        expect(typeof lease.expiresAt).toBe('number');
      });

      it('refuses a second owner while the lease is live', async () => {
        await mustAcquire(SHARD, 'worker-a');
        expect(await cp.acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
      });

      it('never hands a live lease out again, not even to the same worker id (another instance)', async () => {
        const first = await mustAcquire(SHARD, 'worker-a');
        expect(await cp.acquireLease(stream, SHARD, 'worker-a')).toBeUndefined();
        // The holder's lease is untouched and still works.
        await expect(cp.checkpoint(first, { sequenceNumber: '1' })).resolves.toBe(true);
        await expect(cp.renewLease(first)).resolves.toMatchObject({ token: first.token });
      });

      it('gives an expired lease to the same worker id with a new token; the old token is dead', async () => {
        const first = await mustAcquire(SHARD, 'worker-a');
        await letLeasesExpire();
        const again = await mustAcquire(SHARD, 'worker-a');
        expect(again.token).not.toBe(first.token);
        await leaseLost(() => cp.checkpoint(first, { sequenceNumber: '1' }));
        await expect(cp.checkpoint(again, { sequenceNumber: '1' })).resolves.toBe(true);
      });

      it('lets another owner take over an expired lease, with a new token', async () => {
        const old = await mustAcquire(SHARD, 'worker-a');
        await letLeasesExpire();
        const taken = await mustAcquire(SHARD, 'worker-b');
        expect(taken.owner).toBe('worker-b');
        expect(taken.token).not.toBe(old.token);
        expect(await cp.acquireLease(stream, SHARD, 'worker-a')).toBeUndefined();
      });

      it("refuses the stale owner's renew, checkpoint and markShardEnd after a takeover", async () => {
        const old = await mustAcquire(SHARD, 'worker-a');
        await cp.checkpoint(old, { sequenceNumber: '100' });
        await letLeasesExpire();
        await mustAcquire(SHARD, 'worker-b');

        const renewError = await leaseLost(() => cp.renewLease(old));
        expect(renewError.retriable).toBe(false);
        expect(renewError.context).toMatchObject({ streamName: stream, shardId: SHARD });
        expect(renewError.expectedOwner).toBe('worker-a');
        expect(renewError.actualOwner).toBe('worker-b');
        await leaseLost(() => cp.checkpoint(old, { sequenceNumber: '200' }));
        await leaseLost(() => cp.markShardEnd(old));
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '100' },
        });
      });

      it('refuses to renew or checkpoint through an expired lease nobody took', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await letLeasesExpire();
        const error = await leaseLost(() => cp.renewLease(lease));
        expect(error.expectedOwner).toBe('worker-a');
        await leaseLost(() => cp.checkpoint(lease, { sequenceNumber: '1' }));
        expect(await cp.getCheckpoint(stream, SHARD)).toBeUndefined();
      });

      it('extends a lease on renewal', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await fixture.advanceTime(Math.floor(duration * 0.6));
        const renewed = await cp.renewLease(lease);
        expect(renewed).toMatchObject({
          streamName: stream,
          shardId: SHARD,
          owner: 'worker-a',
          token: lease.token,
        });
        expect(renewed.expiresAt).toBeGreaterThan(lease.expiresAt);
        await fixture.advanceTime(Math.floor(duration * 0.6));
        // Past the first expiry, within the renewed one.
        expect(await cp.acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
        await expect(cp.checkpoint(renewed, { sequenceNumber: '5' })).resolves.toBe(true);
      });

      it('keeps the position when a lease is released and lets another owner acquire it', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.checkpoint(lease, { sequenceNumber: '42', subSequenceNumber: 3 });
        await cp.releaseLease(lease);
        const next = await mustAcquire(SHARD, 'worker-b');
        expect(next.token).not.toBe(lease.token);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '42', subSequenceNumber: 3 },
        });
        await leaseLost(() => cp.checkpoint(lease, { sequenceNumber: '43' }));
      });

      it('ignores the release of a lease that is no longer ours', async () => {
        const old = await mustAcquire(SHARD, 'worker-a');
        await letLeasesExpire();
        const current = await mustAcquire(SHARD, 'worker-b');
        await cp.releaseLease(old);
        await cp.releaseLease(old);
        expect(await cp.acquireLease(stream, SHARD, 'worker-c')).toBeUndefined();
        await expect(cp.renewLease(current)).resolves.toMatchObject({ owner: 'worker-b' });
      });

      it('keeps leases per stream: the same shard id in two streams is independent', async () => {
        const other = `${stream}-other`;
        const a = await mustAcquire(SHARD, 'worker-a');
        const b = await mustAcquire(SHARD, 'worker-b', other);
        expect(b.streamName).toBe(other);
        await cp.checkpoint(a, { sequenceNumber: '7' });
        expect(await cp.getCheckpoint(other, SHARD)).toBeUndefined();
        await cp.markShardEnd(b);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '7' },
        });
        expect(await cp.getCheckpoint(other, SHARD)).toEqual({ kind: 'shard-end' });
      });

      it('gives one shard to exactly one of 20 concurrent acquirers', async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `worker-${i}`);
        const results = await Promise.all(owners.map((owner) => cp.acquireLease(stream, SHARD, owner)));
        const winners = results.filter((lease): lease is Lease => lease !== undefined);
        expect(winners).toHaveLength(1);
        const [winner] = winners;
        await expect(cp.checkpoint(winner, { sequenceNumber: '1' })).resolves.toBe(true);
        const [info] = await cp.listLeases(stream);
        expect(info.owner).toBe(winner.owner);
      });
    });

    describe('checkpoints', () => {
      it('has no checkpoint for an unknown shard', async () => {
        expect(await cp.getCheckpoint(stream, 'shardId-999999999999')).toBeUndefined();
      });

      it('stores positions and reads them back, with and without a sub-sequence number', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await expect(cp.checkpoint(lease, { sequenceNumber: '100' })).resolves.toBe(true);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '100' },
        });
        await expect(cp.checkpoint(lease, { sequenceNumber: '101', subSequenceNumber: 0 })).resolves.toBe(
          true,
        );
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: '101', subSequenceNumber: 0 },
        });
      });

      it('never moves backwards', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        const read = async () => {
          const stored = await cp.getCheckpoint(stream, SHARD);
          return stored?.kind === 'position' ? stored.position : stored;
        };
        expect(await cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 3 })).toBe(true);
        // Same position again is not backwards.
        expect(await cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 3 })).toBe(true);
        // Lower sequence number.
        expect(await cp.checkpoint(lease, { sequenceNumber: '499' })).toBe(false);
        // Same sequence number, lower sub-sequence number.
        expect(await cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 2 })).toBe(false);
        expect(await read()).toEqual({ sequenceNumber: '500', subSequenceNumber: 3 });
        // The whole record comes after any of its items, and no item comes after it.
        expect(await cp.checkpoint(lease, { sequenceNumber: '500' })).toBe(true);
        expect(await cp.checkpoint(lease, { sequenceNumber: '500', subSequenceNumber: 9 })).toBe(false);
        expect(await read()).toEqual({ sequenceNumber: '500' });
        // The first item of the next record comes after the whole previous record.
        expect(await cp.checkpoint(lease, { sequenceNumber: '501', subSequenceNumber: 0 })).toBe(true);
        expect(await read()).toEqual({ sequenceNumber: '501', subSequenceNumber: 0 });
      });

      it('compares sequence numbers as numbers, not as text', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        expect(await cp.checkpoint(lease, { sequenceNumber: '9' })).toBe(true);
        expect(await cp.checkpoint(lease, { sequenceNumber: '10' })).toBe(true);
        expect(await cp.checkpoint(lease, { sequenceNumber: '9' })).toBe(false);

        const big = '49590338271490256608559692538361571095921575989136588801'; // 56 digits
        const bigger = '49590338271490256608559692538361571095921575989136588802';
        const shorter = '9'.repeat(55); // lexically greater than both, numerically smaller
        expect(await cp.checkpoint(lease, { sequenceNumber: big })).toBe(true);
        expect(await cp.checkpoint(lease, { sequenceNumber: shorter })).toBe(false);
        expect(await cp.checkpoint(lease, { sequenceNumber: bigger })).toBe(true);
        expect(await cp.checkpoint(lease, { sequenceNumber: big, subSequenceNumber: 1 })).toBe(false);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({
          kind: 'position',
          position: { sequenceNumber: bigger },
        });
      });

      it('stores the shard end marker, which is final', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.checkpoint(lease, { sequenceNumber: '300' });
        await cp.markShardEnd(lease);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({ kind: 'shard-end' });
        expect(await cp.checkpoint(lease, { sequenceNumber: '999999' })).toBe(false);
        await cp.markShardEnd(lease);
        await cp.releaseLease(lease);
        const next = await mustAcquire(SHARD, 'worker-b');
        expect(await cp.checkpoint(next, { sequenceNumber: '1' })).toBe(false);
        expect(await cp.getCheckpoint(stream, SHARD)).toEqual({ kind: 'shard-end' });
      });

      it('rejects malformed positions and names with InvalidOptionError', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        for (const position of [
          { sequenceNumber: '' },
          { sequenceNumber: '12a' },
          { sequenceNumber: '-1' },
          { sequenceNumber: '1.5' },
          { sequenceNumber: '1', subSequenceNumber: -1 },
          { sequenceNumber: '1', subSequenceNumber: 1.5 },
        ])
          expect(await rejectionOf(() => cp.checkpoint(lease, position))).toBeInstanceOf(InvalidOptionError);
        expect(await rejectionOf(() => cp.getCheckpoint('', SHARD))).toBeInstanceOf(InvalidOptionError);
        expect(await rejectionOf(() => cp.acquireLease(stream, '', 'worker-a'))).toBeInstanceOf(
          InvalidOptionError,
        );
        expect(await rejectionOf(() => cp.acquireLease(stream, SHARD, ''))).toBeInstanceOf(
          InvalidOptionError,
        );
        expect(await cp.getCheckpoint(stream, SHARD)).toBeUndefined();
      });
    });

    describe('listLeases', () => {
      it('is empty for an unknown stream', async () => {
        expect(await cp.listLeases(`${stream}-other`)).toEqual([]);
      });

      it('shows owners, expiry and checkpoints of the stream', async () => {
        const a = await mustAcquire(SHARD, 'worker-a');
        const b = await mustAcquire(SHARD_1, 'worker-b');
        const c = await mustAcquire(SHARD_2, 'worker-c');
        await cp.checkpoint(a, { sequenceNumber: '11', subSequenceNumber: 2 });
        await cp.markShardEnd(c);
        await cp.releaseLease(c);
        await mustAcquire(SHARD, 'worker-x', `${stream}-other`);

        const infos = (await cp.listLeases(stream)).sort((x, y) => (x.shardId < y.shardId ? -1 : 1));
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
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.checkpoint(lease, { sequenceNumber: '8' });
        await letLeasesExpire();
        expect(await cp.listLeases(stream)).toEqual([
          { shardId: SHARD, checkpoint: { kind: 'position', position: { sequenceNumber: '8' } } },
        ]);
      });
    });

    describe('close', () => {
      it('closes idempotently and refuses later calls with CheckpointerClosedError', async () => {
        const lease = await mustAcquire(SHARD, 'worker-a');
        await cp.releaseLease(lease);
        await cp.close();
        await cp.close();
        expect(await rejectionOf(() => cp.getCheckpoint(stream, SHARD))).toBeInstanceOf(
          CheckpointerClosedError,
        );
        expect(await rejectionOf(() => cp.acquireLease(stream, SHARD, 'worker-a'))).toBeInstanceOf(
          CheckpointerClosedError,
        );
      });
    });
  });
}
