import { CheckpointerClosedError } from '../checkpointers/errors/CheckpointerClosedError.js';
import { SHARD, SHARD_1, type ConformanceSuite } from './ConformanceSuite.js';
import { leftAfterClose } from './leftAfterClose.js';

/**
 * close(): waits for the calls under way, is idempotent, refuses later calls and leaves nothing
 * that keeps the process alive.
 */
export function conformanceClose(s: ConformanceSuite): void {
  const { describe, it } = s.api;
  describe('close', () => {
    it('closes idempotently and refuses later calls with CheckpointerClosedError', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.releaseLease(lease);
      await s.cp.close();
      await s.cp.close();
      await s.failsWith('getCheckpoint() after close()', CheckpointerClosedError, () =>
        s.cp.getCheckpoint(s.stream, SHARD),
      );
      await s.failsWith('acquireLease() after close()', CheckpointerClosedError, () =>
        s.cp.acquireLease(s.stream, SHARD, 'worker-a'),
      );
    });

    it('refuses the calls through a lease after close() too: nothing is written once closed', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      await s.cp.close();
      const calls: [string, () => Promise<unknown>][] = [
        ['checkpoint()', () => s.cp.checkpoint(lease, { sequenceNumber: '1' })],
        ['markShardEnd()', () => s.cp.markShardEnd(lease)],
        ['renewLease()', () => s.cp.renewLease(lease)],
        ['releaseLease()', () => s.cp.releaseLease(lease)],
        ['listLeases()', () => s.cp.listLeases(s.stream)],
      ];
      for (const [name, call] of calls)
        await s.failsWith(`${name} after close()`, CheckpointerClosedError, call);
    });

    it('waits for the calls under way: each has settled when close() resolves', async () => {
      const lease = await s.mustAcquire(SHARD, 'worker-a');
      const calls: Record<string, Promise<unknown>> = {
        'checkpoint()': s.cp.checkpoint(lease, { sequenceNumber: '5' }),
        'renewLease()': s.cp.renewLease(lease),
        'getCheckpoint()': s.cp.getCheckpoint(s.stream, SHARD),
        'listLeases()': s.cp.listLeases(s.stream),
        'acquireLease()': s.cp.acquireLease(s.stream, SHARD_1, 'worker-b'),
      };
      const settled = new Set<string>();
      for (const [name, call] of Object.entries(calls)) {
        call.then(
          () => settled.add(name),
          () => settled.add(name),
        );
      }
      await s.cp.close();
      // Lets calls that settled together with close() (a wrapper's extra promise turns) report it.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      const pending = Object.keys(calls).filter((name) => !settled.has(name));
      if (pending.length > 0) {
        await Promise.allSettled(Object.values(calls));
        throw new Error(
          `close() resolved while ${pending.join(', ')} started before it had not settled: close() must ` +
            'wait for the calls under way (a write landing after close() is a position nobody waits for)',
        );
      }
    });

    it('leaves no timer or open handle behind: the process can exit once it is closed', async () => {
      const left = await leftAfterClose(s.setup);
      if (left.length > 0)
        throw new Error(
          `after close() (and the fixture's cleanup) the checkpointer still had ${left.length} timer(s) ` +
            'or handle(s) keeping the event loop alive, so the process does not exit: close() must ' +
            'clear its timers (a renewal interval, a retry back-off) and close its connections, or ' +
            `unref() them. Left:\n${left.join('\n')}`,
        );
    });
  });
}
