// A group worker that dies right after it asked for a shard: from then on every call of its
// checkpointer to the store hangs, as for a killed or frozen process (its heartbeat stops).
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';

const STORE_CALLS = [
  'heartbeat',
  'leaveGroup',
  'liveWorkers',
  'requestHandoff',
  'cancelHandoff',
  'pendingHandoffs',
  'leaseSnapshot',
  'acquireLease',
  'renewLease',
  'releaseLease',
  'checkpoint',
  'markShardEnd',
  'getCheckpoint',
] as const;

/**
 * Makes `checkpointer` die once a handoff request of its own is recorded; `died()` is Date.now() at
 * that moment. The calls hang until the function pushed onto `thaws` is called (at the test's end,
 * so the worker can be closed).
 */
export function diesAfterItsRequest(
  checkpointer: LeaseCoordinator,
  thaws: (() => void)[],
): { readonly died: () => number | undefined } {
  let diedAt: number | undefined;
  let thaw: () => void = () => undefined;
  const frozen = new Promise<void>((resolve) => (thaw = resolve));
  thaws.push(thaw);
  const target = checkpointer as unknown as Record<string, unknown>;
  for (const name of STORE_CALLS) {
    const original = target[name] as (...args: unknown[]) => Promise<unknown>;
    target[name] = async (...args: unknown[]) => {
      if (diedAt !== undefined) await frozen;
      const result = await original.apply(checkpointer, args);
      // Recorded: 'requested', or 'already-requested' when an earlier attempt of the call was
      // recorded but its answer did not come in time (a loaded machine) and the pass asked again.
      const status = name === 'requestHandoff' ? (result as { status: string }).status : undefined;
      if (status === 'requested' || status === 'already-requested') diedAt = Date.now();
      return result;
    };
  }
  return { died: () => diedAt };
}
