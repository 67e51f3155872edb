import { setTimeout as sleep } from 'node:timers/promises';
import { isLeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import type { ConformanceSuite } from './ConformanceSuite.js';
import { describeError } from './describeError.js';

/** How long a heartbeat is given to take in its signal's abort (real time, the store held). */
const ABORT_GRACE_MS = 2000;
/** How long the heartbeat is left waiting on the held store before its signal aborts. */
const WAITING_MS = 100;
/** After the store answers again: long enough for a heartbeat left running to land. */
const LANDING_MS = 500;

/**
 * `HeartbeatOptions.signal`, optional for implementations: checked only for a LeaseCoordinator
 * whose fixture declares it with `holdStore` (a heartbeat that waits on a store that does not
 * answer must end when its signal aborts, and write nothing later: a consumer stopping would
 * otherwise wait for it, or its worker would show up live after it left). Real-time waits use
 * node:timers/promises, which fake timers that replace the globals leave alone.
 */
export function conformanceHeartbeatSignal(s: ConformanceSuite): void {
  const { it, expect } = s.api;

  it(
    'ends a heartbeat waiting on the store when its signal aborts, writing nothing ' +
      '(HeartbeatOptions.signal: only for fixtures with holdStore, else passes without a call)',
    async () => {
      const cp = isLeaseCoordinator(s.cp) ? s.cp : undefined;
      const { fixture } = s;
      if (cp === undefined || fixture.holdStore === undefined) return;
      const resume = await fixture.holdStore();
      let resumed = false;
      try {
        const controller = new AbortController();
        const beat = cp.heartbeat(s.stream, 'worker-a', { signal: controller.signal }).then(
          () => ({ settled: 'resolved' as const }),
          (error: unknown) => ({ settled: 'rejected' as const, error }),
        );
        await sleep(WAITING_MS, undefined, { ref: false });
        controller.abort(new Error('the caller no longer wants the heartbeat'));
        const grace = new AbortController();
        const outcome = await Promise.race([
          beat,
          sleep(ABORT_GRACE_MS, { settled: 'waiting' as const }, { ref: false, signal: grace.signal }),
        ]).finally(() => grace.abort());
        if (outcome.settled === 'waiting')
          throw new Error(
            `heartbeat() still waited ${ABORT_GRACE_MS} ms after its signal aborted, the store not ` +
              'answering: a consumer stopping would wait for it (end the waits on the signal, or ' +
              'leave holdStore out of the fixture if the checkpointer does not honour it)',
          );
        if (outcome.settled === 'resolved')
          throw new Error(
            'heartbeat() resolved while the store did not answer: expected it to reject once its ' +
              'signal aborted',
          );
        await resume();
        resumed = true;
        await sleep(LANDING_MS, undefined, { ref: false });
        const live = await cp.liveWorkers(s.stream);
        if (live.includes('worker-a'))
          throw new Error(
            `heartbeat() rejected (${describeError(outcome.error)}) once its signal aborted, but ` +
              'worker-a was written once the store answered again: a worker that left would look ' +
              'live to the others',
          );
        expect(live).toEqual([]);
      } finally {
        if (!resumed) await resume();
      }
    },
  );
}
