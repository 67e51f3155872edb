import { isLeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import { SHARD, type ConformanceSuite } from './ConformanceSuite.js';

/**
 * Handoffs, for checkpointers that are also a LeaseCoordinator (several processes balancing a
 * stream); a plain Checkpointer passes these tests without a call.
 */
export function conformanceHandoffs(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('handoffs (LeaseCoordinator)', () => {
    it('shows a handoff request to the owner and hands the released lease to the requester', async () => {
      const cp = s.cp;
      if (!isLeaseCoordinator(cp)) return;
      for (const worker of ['worker-a', 'worker-b', 'worker-c']) await cp.heartbeat(s.stream, worker);
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      const request = await cp.requestHandoff(s.stream, SHARD, 'worker-b');
      expect(request).toMatchObject({ status: 'requested', owner: 'worker-a' });
      const pending = await cp.pendingHandoffs(s.stream, 'worker-a');
      if (!pending.some((entry) => entry.shardId === SHARD && entry.requester === 'worker-b'))
        throw new Error(
          `pendingHandoffs() of the owner did not show worker-b's request for ${SHARD} (it showed ` +
            `${JSON.stringify(pending)}): an owner that cannot see a request never hands the lease over`,
        );
      const released = await cp.releaseLease(lease, { handoffTo: 'worker-b' });
      if (released !== undefined) expect(released.reservedFor).toBe('worker-b');
      if (released?.reservedFor === 'worker-b' && (await cp.acquireLease(s.stream, SHARD, 'worker-c')))
        throw new Error(`releaseLease() reported ${SHARD} reserved for worker-b, yet worker-c acquired it`);
      const handed = await cp.acquireLease(s.stream, SHARD, 'worker-b');
      if (handed === undefined)
        throw new Error(`worker-b could not acquire ${SHARD}, released to it with handoffTo`);
      expect(await cp.pendingHandoffs(s.stream, 'worker-b')).toEqual([]);
    });
  });
}
