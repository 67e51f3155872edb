import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { isLeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import type { CheckpointerFixture } from './CheckpointerFixture.js';
import { SHARD } from './ConformanceSuite.js';
import { watchHandles } from './watchHandles.js';

/** How long sockets may take to close after close() and cleanup (a FIN answered, a QUIT replied). */
const CLOSING_GRACE_MS = 2000;
const POLL_MS = 25;

/**
 * Opens a fixture of its own (`setup`) with Node's timers and handles watched from the start (a
 * timer the constructor starts counts), uses its checkpointer as a consumer would (acquire,
 * renew, checkpoint, read, release; heartbeat and leave for a LeaseCoordinator), closes it and
 * runs the fixture's cleanup. Returns what it left keeping the event loop alive: Node timers and
 * handles still open after `CLOSING_GRACE_MS`, and timers still on the fixture's own scheduler
 * (`scheduledTimers`). The real-time waits use node:timers/promises, which fake timers that
 * replace the globals (Jest's, Vitest's) leave alone, and count them rather than read a clock.
 */
export async function leftAfterClose(setup: () => Promise<CheckpointerFixture>): Promise<string[]> {
  const watch = watchHandles();
  const watched = <T>(body: () => Promise<T>): Promise<T> => (watch ? watch.run(body) : body());
  try {
    const fixture = await watched(setup);
    try {
      await watched(() => useAndClose(fixture));
    } finally {
      await fixture.cleanup();
    }
    const left: string[] = [];
    const scheduled = (await fixture.scheduledTimers?.()) ?? 0;
    if (scheduled > 0) left.push(`${scheduled} timer(s) on the fixture's scheduler (scheduledTimers())`);
    if (watch === undefined) return left;
    // Rounds of real sleeps, not a clock: fake timers (Jest's, Vitest's) freeze performance.now()
    // and process.hrtime, and a deadline read from them never comes.
    let pending = await watch.pending();
    for (let round = 0; pending.length > 0 && round < CLOSING_GRACE_MS / POLL_MS; round++) {
      await sleep(POLL_MS, undefined, { ref: false });
      await nextTurn();
      pending = await watch.pending();
    }
    return [...left, ...pending];
  } finally {
    watch?.stop();
  }
}

async function useAndClose(fixture: CheckpointerFixture): Promise<void> {
  const cp = fixture.checkpointer;
  const stream = fixture.streamName;
  const coordinator = isLeaseCoordinator(cp) ? cp : undefined;
  await coordinator?.heartbeat(stream, 'worker-a');
  const lease = await cp.acquireLease(stream, SHARD, 'worker-a');
  if (lease !== undefined) {
    const renewed = await cp.renewLease(lease);
    await cp.checkpoint(renewed, { sequenceNumber: '1' });
    await cp.getCheckpoint(stream, SHARD);
    await cp.listLeases(stream);
    await coordinator?.leaseSnapshot(stream);
    await cp.releaseLease(renewed);
  }
  await coordinator?.leaveGroup(stream, 'worker-a');
  await cp.close();
}
