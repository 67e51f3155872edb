import { CheckpointerClosedError } from '../checkpointers/errors/CheckpointerClosedError.js';
import { SHARD, type ConformanceSuite } from './ConformanceSuite.js';
import { rejectionOf } from './rejectionOf.js';

/** close(): idempotent, and refuses later calls. */
export function conformanceClose(s: ConformanceSuite): void {
  const { describe, it, expect } = s.api;
  describe('close', () => {
    it('closes idempotently and refuses later calls with CheckpointerClosedError', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.releaseLease(lease);
      await s.cp.close();
      await s.cp.close();
      expect(await rejectionOf(() => s.cp.getCheckpoint(s.stream, SHARD))).toBeInstanceOf(
        CheckpointerClosedError,
      );
      expect(await rejectionOf(() => s.cp.acquireLease(s.stream, SHARD, 'worker-a'))).toBeInstanceOf(
        CheckpointerClosedError,
      );
    });
  });
}
