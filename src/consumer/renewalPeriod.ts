import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/**
 * How often a worker renews its leases, in ms: a third of the lease duration, at most the
 * heartbeat interval when a LeaseCoordinator gives one, at least 1 ms, and at most the longest
 * delay a timer takes (Node runs a longer one after 1 ms).
 */
export function renewalPeriod(leaseDurationMs: number, heartbeatIntervalMs?: number): number {
  const third = Math.floor(leaseDurationMs / 3);
  const wanted = heartbeatIntervalMs === undefined ? third : Math.min(third, heartbeatIntervalMs);
  return Math.min(MAX_TIMER_MS, Math.max(1, wanted));
}
