import { InvalidOptionError } from '../errors/InvalidOptionError.js';

/** How Producer.close() ends the producer. */
export interface ProducerCloseOptions {
  /**
   * false (default): deliver everything accepted first. true: deliver nothing more: every item
   * not yet delivered fails at once with ProducerAbortedError (see there), and put() calls
   * waiting for room reject with it. Also ends a close() still delivering.
   */
  readonly abort?: boolean | undefined;
  /**
   * The longest a graceful close delivers, in ms: 0 to 2^31−1, or Infinity (the default: no
   * deadline). The close delivers as usual until then; if it has not finished by then, the
   * producer is aborted at that moment, exactly as by `close({ abort: true })`, and the close
   * rejects with ProducerCloseTimeoutError (even when every item was delivered: see there). The
   * timer runs on the producer's `scheduler` and is cancelled when the close finishes first.
   * Given to a close() while one runs, the earlier deadline rules. Not with `abort: true`
   * (nothing is delivered then): InvalidOptionError.
   */
  readonly timeoutMs?: number | undefined;
}

/** close()'s options, validated. */
export interface ResolvedCloseOptions {
  readonly abort: boolean;
  /** Infinity: no deadline. */
  readonly timeoutMs: number;
}

const KNOWN = ['abort', 'timeoutMs'];

/** The longest delay a timer can wait (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates close()'s options; throws InvalidOptionError. */
export function resolveCloseOptions(options: unknown): ResolvedCloseOptions {
  if (options === undefined) return { abort: false, timeoutMs: Number.POSITIVE_INFINITY };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      'close options',
      options,
      'expected { abort?: boolean, timeoutMs?: number } or nothing',
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key)) {
      throw new InvalidOptionError(`close.${key}`, given[key], `close() knows only ${KNOWN.join(', ')}`);
    }
  }
  const { abort, timeoutMs } = given;
  if (abort !== undefined && typeof abort !== 'boolean') {
    throw new InvalidOptionError('close.abort', abort, 'expected true or false');
  }
  if (timeoutMs === undefined) return { abort: abort === true, timeoutMs: Number.POSITIVE_INFINITY };
  if (
    typeof timeoutMs !== 'number' ||
    !(timeoutMs === Number.POSITIVE_INFINITY || (timeoutMs >= 0 && timeoutMs <= MAX_TIMER_MS))
  ) {
    throw new InvalidOptionError(
      'close.timeoutMs',
      timeoutMs,
      `expected ms from 0 to ${MAX_TIMER_MS}, or Infinity`,
    );
  }
  if (abort === true) {
    throw new InvalidOptionError(
      'close.timeoutMs',
      timeoutMs,
      'a deadline for delivering, and abort: true delivers nothing: give one or the other',
    );
  }
  return { abort: false, timeoutMs };
}
