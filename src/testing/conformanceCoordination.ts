import type { Lease } from '../checkpointers/Checkpointer.js';
import { isLeaseCoordinator, type LeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import { SHARD, SHARD_1, type ConformanceSuite } from './ConformanceSuite.js';

/**
 * Membership, handoff requests and snapshots, for checkpointers that are also a LeaseCoordinator;
 * a plain Checkpointer passes these tests without a call. Time is moved with the fixture's
 * `advanceTime`, to the expiries and deadlines the coordinator reports.
 */
export function conformanceCoordination(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  const coordinator = (): LeaseCoordinator | undefined => (isLeaseCoordinator(s.cp) ? s.cp : undefined);

  /**
   * Lets time pass until `until` (epoch ms on the coordinator's clock) is behind, renewing `leases`
   * before each step of at most a third of a lease (so, never once `until` passed) to keep them
   * live meanwhile.
   */
  async function passUntil(cp: LeaseCoordinator, until: number, leases: Lease[] = []): Promise<Lease[]> {
    let held = leases;
    for (;;) {
      const left = until - (await cp.leaseSnapshot(s.stream)).now;
      if (left < 0) return held;
      held = await Promise.all(held.map((lease) => cp.renewLease(lease)));
      await s.fixture.advanceTime(Math.min(left + 20, Math.floor(s.duration / 3)));
    }
  }

  describe('lease coordination (LeaseCoordinator)', () => {
    it('lists workers while their heartbeat lasts, per stream, and forgets one that leaves at once', async () => {
      const cp = coordinator();
      if (cp === undefined) return;
      await cp.heartbeat(s.stream, 'worker-b');
      const expiresAt = await cp.heartbeat(s.stream, 'worker-a');
      await cp.heartbeat(s.stream, 'worker-c');
      expect(await cp.liveWorkers(s.stream)).toEqual(['worker-a', 'worker-b', 'worker-c']);
      expect(await cp.liveWorkers(`${s.stream}-other`)).toEqual([]);
      await cp.leaveGroup(s.stream, 'worker-c');
      const left = await cp.liveWorkers(s.stream);
      if (left.includes('worker-c'))
        throw new Error(
          `liveWorkers() still listed worker-c after leaveGroup() (${JSON.stringify(left)}): a worker ` +
            'that left must be forgotten at once, or its shards wait for its heartbeat to run out',
        );
      expect(left).toEqual(['worker-a', 'worker-b']);
      // worker-b keeps beating, worker-a does not.
      const { now } = await cp.leaseSnapshot(s.stream);
      if (!(expiresAt > now))
        throw new Error(`heartbeat() returned ${expiresAt}, not a time after the coordinator's now (${now})`);
      for (;;) {
        await cp.heartbeat(s.stream, 'worker-b');
        const remaining = expiresAt - (await cp.leaseSnapshot(s.stream)).now;
        if (remaining < 0) break;
        await s.fixture.advanceTime(Math.min(remaining + 20, Math.floor(s.duration / 3)));
      }
      await cp.heartbeat(s.stream, 'worker-b');
      const after = await cp.liveWorkers(s.stream);
      if (after.includes('worker-a'))
        throw new Error(
          `liveWorkers() still listed worker-a after the expiry its heartbeat() returned (${expiresAt}): ` +
            'a worker that stopped beating must drop out, or its shards are never taken',
        );
      expect(after).toEqual(['worker-b']);
    });

    it('records a handoff request only on a lease another worker holds live, one requester at a time', async () => {
      const cp = coordinator();
      if (cp === undefined) return;
      for (const worker of ['worker-a', 'worker-b', 'worker-c']) await cp.heartbeat(s.stream, worker);
      expect(await cp.requestHandoff(s.stream, SHARD, 'worker-b')).toEqual({ status: 'free' });
      await s.mustAcquire(SHARD, 'worker-a');
      expect(await cp.requestHandoff(s.stream, SHARD, 'worker-a')).toEqual({
        status: 'own',
        owner: 'worker-a',
      });
      const first = await cp.requestHandoff(s.stream, SHARD, 'worker-b');
      if (first.status !== 'requested')
        throw new Error(
          `expected the first request of worker-b to be 'requested', got ${JSON.stringify(first)}`,
        );
      expect(await cp.requestHandoff(s.stream, SHARD, 'worker-b')).toEqual({
        status: 'already-requested',
        owner: 'worker-a',
        deadline: first.deadline,
      });
      const other = await cp.requestHandoff(s.stream, SHARD, 'worker-c');
      if (other.status !== 'other-request-pending')
        throw new Error(
          `a second requester (worker-c) got ${JSON.stringify(other)} while worker-b's request was ` +
            "pending: expected 'other-request-pending' (a request must not replace another's)",
        );
      expect(other).toEqual({
        status: 'other-request-pending',
        owner: 'worker-a',
        requester: 'worker-b',
        deadline: first.deadline,
      });
    });

    it('withdraws a request with cancelHandoff, for its requester only', async () => {
      const cp = coordinator();
      if (cp === undefined) return;
      for (const worker of ['worker-a', 'worker-b', 'worker-c']) await cp.heartbeat(s.stream, worker);
      await s.mustAcquire(SHARD, 'worker-a');
      await cp.requestHandoff(s.stream, SHARD, 'worker-b');
      expect(await cp.cancelHandoff(s.stream, SHARD, 'worker-c')).toBe(false);
      expect(await cp.cancelHandoff(s.stream, SHARD, 'worker-b')).toBe(true);
      const pending = await cp.pendingHandoffs(s.stream, 'worker-a');
      if (pending.length > 0)
        throw new Error(
          `pendingHandoffs() still showed ${JSON.stringify(pending)} after cancelHandoff() resolved ` +
            'true: the owner would hand the lease to a worker that no longer wants it',
        );
      expect(await cp.requestHandoff(s.stream, SHARD, 'worker-c')).toMatchObject({ status: 'requested' });
    });

    it('lets the requester take the lease once the deadline passed, and nobody before', async () => {
      const cp = coordinator();
      if (cp === undefined) return;
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      const request = await cp.requestHandoff(s.stream, SHARD, 'worker-b');
      if (request.status !== 'requested')
        throw new Error(`expected worker-b's request to be 'requested', got ${JSON.stringify(request)}`);
      expect(await cp.acquireLease(s.stream, SHARD, 'worker-b')).toBeUndefined();
      // The owner is alive (it renews) but ignores the request.
      const [held] = await passUntil(cp, request.deadline, [lease]);
      expect(await cp.acquireLease(s.stream, SHARD, 'worker-c')).toBeUndefined();
      const taken = await cp.acquireLease(s.stream, SHARD, 'worker-b');
      if (taken === undefined)
        throw new Error(
          `worker-b could not acquire ${SHARD} after the deadline of its handoff request passed: an ` +
            'owner that ignores requests would keep the shard for ever',
        );
      expect(taken.token).not.toBe(lease.token);
      await s.leaseLost('renewLease() of a lease its requester took over after the deadline', () =>
        cp.renewLease(held),
      );
    });

    it('shows leases, checkpoints, requests and live workers in one snapshot', async () => {
      const cp = coordinator();
      if (cp === undefined) return;
      const a = await s.mustAcquire(SHARD, 'worker-a');
      const b = await s.mustAcquire(SHARD_1, 'worker-b');
      await s.cp.checkpoint(a, { sequenceNumber: '5', subSequenceNumber: 1 });
      await s.cp.markShardEnd(b);
      await cp.heartbeat(s.stream, 'worker-a');
      await cp.heartbeat(s.stream, 'worker-c');
      const request = await cp.requestHandoff(s.stream, SHARD, 'worker-c');
      const snapshot = await cp.leaseSnapshot(s.stream);
      expect(snapshot).toMatchObject({
        liveWorkers: ['worker-a', 'worker-c'],
        leases: [
          {
            shardId: SHARD,
            owner: 'worker-a',
            expiresAt: a.expiresAt,
            checkpoint: { kind: 'position', position: { sequenceNumber: '5', subSequenceNumber: 1 } },
            handoff: {
              requester: 'worker-c',
              deadline: request.status === 'requested' ? request.deadline : -1,
            },
          },
          { shardId: SHARD_1, owner: 'worker-b', expiresAt: b.expiresAt, checkpoint: { kind: 'shard-end' } },
        ],
      });
      expect(snapshot.leases).toHaveLength(2);
    });
  });
}
