import type { SchedulerLike, Subscription } from 'rxjs';
import type { LeaseCoordinator } from '../checkpointers/LeaseCoordinator.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';

/** The first retry of a failed leaveGroup waits up to this long (full jitter, doubling). */
export const LEAVE_RETRY_BASE_MS = 100;
/** The longest wait between two leaveGroup attempts (at most a heartbeat interval too). */
export const LEAVE_RETRY_CAP_MS = 2000;

export interface GroupLeaveOptions {
  readonly coordinator: LeaseCoordinator;
  readonly streamName: string;
  readonly workerId: string;
  readonly scheduler: SchedulerLike;
  readonly onEvent: (event: ConsumerEvent) => void;
  /**
   * When (scheduler time) the worker's last heartbeat runs out: from then on the group counts it
   * gone anyway, and no retry is started that would end later.
   */
  readonly liveUntil: number;
  /** Aborted when the stop's final writes ran out of time: the wait under way ends, no call follows. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Leaves the group: `leaveGroup`, retried with full-jitter back-off after a retriable failure (a
 * Redis or DynamoDB hiccup at shutdown), as long as the worker still counts as live (`liveUntil`)
 * and `signal` has not aborted. A worker whose leave failed stays live until its heartbeat runs
 * out, and the shards it released wait that long for the others. Each failure is reported as an
 * error-retried event (`delayMs` 0 for the last). Resolves true once left; never rejects.
 */
export async function leaveGroupRetried(options: GroupLeaveOptions): Promise<boolean> {
  const { coordinator, streamName, workerId, scheduler, onEvent, liveUntil, signal } = options;
  const capMs = Math.max(LEAVE_RETRY_BASE_MS, Math.min(LEAVE_RETRY_CAP_MS, coordinator.heartbeatIntervalMs));
  const backoff = new Backoff({ baseMs: LEAVE_RETRY_BASE_MS, capMs });
  // (A function: the signal aborts while a call or a wait is under way.)
  const aborted = (): boolean => signal?.aborted === true;
  for (let attempt = 1; ; attempt += 1) {
    if (aborted()) return false;
    try {
      await coordinator.leaveGroup(streamName, workerId);
      return true;
    } catch (error) {
      const classified = classifyError(error);
      const delay = classified.retriable ? backoff.next() : undefined;
      const retry = delay !== undefined && !aborted() && scheduler.now() + delay < liveUntil;
      onEvent({
        type: 'error-retried',
        operation: 'leaveGroup',
        error: classified,
        attempt,
        delayMs: retry ? delay : 0,
      });
      if (!retry) return false;
      await waitOn(scheduler, delay, signal);
    }
  }
}

/** Resolves after `ms` on the scheduler, or at once (its timer cancelled) when `signal` aborts. */
function waitOn(scheduler: SchedulerLike, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const wait: { timer?: Subscription } = {};
    const end = (): void => {
      wait.timer?.unsubscribe();
      signal?.removeEventListener('abort', end);
      resolve();
    };
    signal?.addEventListener('abort', end, { once: true });
    wait.timer = scheduler.schedule(end, ms);
  });
}
