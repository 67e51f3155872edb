import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/**
 * The default handoff timeout: the lease duration, or three heartbeats where that is longer (a
 * heartbeat interval of more than a third of the lease duration).
 */
export function defaultHandoffTimeout(leaseDurationMs: number, heartbeatIntervalMs: number): number {
  return Math.max(leaseDurationMs, 3 * heartbeatIntervalMs);
}

/**
 * Checks a group checkpointer's `handoffTimeoutMs` against its heartbeat interval; throws
 * InvalidOptionError naming both.
 *
 * The owner of a shard sees a handoff request at its next balancing pass, up to one heartbeat
 * after the request was made, and withdraws it one heartbeat before its deadline if the records
 * in flight have not drained by then (so the withdrawal lands before the requester may take the
 * lease over). At two heartbeats or less no time is left between the two: the owner could only
 * ever hand over a shard with nothing in flight. So the timeout must exceed two heartbeats.
 */
export function validateHandoffTimeout(
  handoffTimeoutMs: unknown,
  heartbeatIntervalMs: number,
  heartbeatOption: string,
  defaultText: string,
): asserts handoffTimeoutMs is number {
  const least = 2 * heartbeatIntervalMs + 1;
  if (
    typeof handoffTimeoutMs === 'number' &&
    Number.isSafeInteger(handoffTimeoutMs) &&
    handoffTimeoutMs >= least &&
    handoffTimeoutMs <= 2 ** 31 - 1
  )
    return;
  throw new InvalidOptionError(
    'handoffTimeoutMs',
    handoffTimeoutMs,
    `must be an integer number of milliseconds > 2 * ${heartbeatOption} ` +
      `(${heartbeatOption} is ${heartbeatIntervalMs} ms, so at least ${least} ms): the owner may see ` +
      `a handoff request one heartbeat after it was made and withdraws it one heartbeat before its ` +
      `deadline, so a shorter timeout leaves it no time to finish its records in flight; ` +
      `the default is ${defaultText} (at least 3 * ${heartbeatOption})`,
  );
}
