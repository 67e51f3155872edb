import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { MAX_TIMER_MS } from './callDeadline.js';

export interface BackoffOptions {
  /** Delay ceiling of the first retry, in ms (default 100). */
  readonly baseMs?: number;
  /** Largest delay ceiling, in ms (default 30000); must be >= baseMs. */
  readonly capMs?: number;
  /** Retries allowed after the first attempt: an integer >= 0, or Infinity (the default). */
  readonly retryLimit?: number;
  /** Source of randomness in [0, 1) (default Math.random); inject for deterministic tests. */
  readonly random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 100;
export const DEFAULT_BACKOFF_CAP_MS = 30_000;
export const DEFAULT_RETRY_LIMIT = Number.POSITIVE_INFINITY;

export interface ResolvedBackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  readonly retryLimit: number;
  readonly random: () => number;
}

/**
 * Applies defaults and validates; throws InvalidOptionError for a bad value. `path` names where
 * the options were given (`'retry'` makes a bad `baseMs` read as `retry.baseMs`).
 */
export function resolveBackoffOptions(options: BackoffOptions = {}, path?: string): ResolvedBackoffOptions {
  const name = (field: string): string => (path === undefined ? field : `${path}.${field}`);
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  if (typeof baseMs !== 'number' || !Number.isFinite(baseMs) || baseMs <= 0) {
    throw new InvalidOptionError(name('baseMs'), baseMs, 'expected a finite number of milliseconds > 0');
  }
  const capMs = options.capMs ?? Math.max(DEFAULT_BACKOFF_CAP_MS, baseMs);
  if (typeof capMs !== 'number' || !Number.isFinite(capMs) || capMs < baseMs) {
    throw new InvalidOptionError(
      name('capMs'),
      capMs,
      `expected a finite number of milliseconds >= ${name('baseMs')} (${baseMs})`,
    );
  }
  const retryLimit = options.retryLimit ?? DEFAULT_RETRY_LIMIT;
  if (
    typeof retryLimit !== 'number' ||
    !(retryLimit === Number.POSITIVE_INFINITY || (Number.isInteger(retryLimit) && retryLimit >= 0))
  ) {
    throw new InvalidOptionError(name('retryLimit'), retryLimit, 'expected an integer >= 0, or Infinity');
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidOptionError(name('random'), random, 'expected a function returning a number in [0, 1)');
  }
  return { baseMs, capMs, retryLimit, random };
}

/**
 * "Full jitter" exponential back-off: a random delay in [0, min(capMs, baseMs * 2^attempt)),
 * where `attempt` counts retries from 0.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new InvalidOptionError('attempt', attempt, 'expected an integer >= 0');
  }
  const { baseMs, capMs, random } = resolveBackoffOptions(options);
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  const draw = random();
  if (!(draw >= 0 && draw <= 1)) {
    throw new InvalidOptionError('random', draw, 'random() must return a number in [0, 1)');
  }
  // capMs has no upper bound: a delay past the longest timer would be run by Node after 1 ms.
  return Math.min(draw * ceiling, ceiling, MAX_TIMER_MS);
}

/** Stateful back-off: each `next()` is the delay before the next retry, or undefined when out of retries. */
export class Backoff {
  private readonly options: ResolvedBackoffOptions;
  private count = 0;

  constructor(options: BackoffOptions = {}) {
    this.options = resolveBackoffOptions(options);
  }

  /** Retries handed out since construction or the last reset(). */
  get attempts(): number {
    return this.count;
  }

  next(): number | undefined {
    if (this.count >= this.options.retryLimit) return undefined;
    const delay = backoffDelay(this.count, this.options);
    this.count += 1;
    return delay;
  }

  /** Starts over after a success. */
  reset(): void {
    this.count = 0;
  }
}
