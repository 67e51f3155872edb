import type { Observer } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { validateFlushOn } from './flushOn.js';
import type { ProducerMetricsSnapshot } from './ProducerMetrics.js';
import type { ProducerOptions } from './ProducerOptions.js';

/** What toKinesis() does with an item that failed (bad input, non-retriable error, retry limit). */
export type FailurePolicy = 'error' | 'emit';
/** What toKinesis() does with an item that arrives while the queue is full. */
export type OverflowPolicy = 'error' | 'drop-newest';

export interface ToKinesisOptions<T> extends ProducerOptions<T> {
  /**
   * 'error' (default): the first failed item stops the intake, what was already accepted is still
   * delivered (and reported), then the output errors with that item's typed error. Items that fail
   * during that wait are emitted as failed reports. 'emit': failed items are emitted as
   * `{ status: 'failed' }` reports and the stream goes on.
   */
  readonly onFailure?: FailurePolicy | undefined;
  /**
   * 'error' (default): an item arriving while `maxQueueSize`/`maxQueueBytes` is reached is
   * refused with QueueFullError, handled like a failure (see onFailure: with 'emit' it is emitted
   * as a failed report). 'drop-newest': the item is refused and emitted as a `{ status: 'dropped' }`
   * report; the stream goes on.
   */
  readonly overflow?: OverflowPolicy | undefined;
  /**
   * Deliver what was accepted when the subscriber unsubscribes (default true). false aborts, as
   * Producer's `close({ abort: true })` does: nothing more is sent, every timer, call and thread
   * stops at once, and the accepted items fail with ProducerAbortedError, reports that go nowhere
   * (nobody is left to hear them): only the metrics (`failures`) and the `producer aborted` log
   * line count them. End the source instead (takeUntil before toKinesis()) to hear every report.
   */
  readonly flushOnUnsubscribe?: boolean | undefined;
  /**
   * The longest the final flush delivers, in ms: 0 to 2^31−1, or Infinity (the default: no
   * deadline, delivery goes on until every item is settled). The final flush starts when the
   * intake stops (the source completes or errors, or the first failure under onFailure 'error')
   * or, with flushOnUnsubscribe, at the unsubscription. If it has not finished by then, the engine
   * is aborted at that moment exactly as Producer's `close({ abort: true })` aborts it: the items
   * not delivered fail with ProducerAbortedError (`deliveryUnknown` where their call got no
   * answer), those held by afterFlush are reported delivered; their reports go out per onFailure
   * (nobody hears them after an unsubscription), then the output ends. The timer runs on the
   * `scheduler` option and is cancelled when the flush finishes first.
   */
  readonly flushTimeoutMs?: number | undefined;
  /**
   * Receives the engines' metrics: a snapshot at subscribe, then one after every PutRecords
   * answer. Each subscription (each run of retry() or repeat()) has an engine of its own, whose
   * counters start at zero, and the observer hears all of them. It completes when an engine stops
   * while no other subscription of this toKinesis() runs: a retry() or repeat() without a delay
   * keeps it open; one with a delay lets it complete between runs (a Subject then hears no more).
   */
  readonly metricsObserver?: Partial<Observer<ProducerMetricsSnapshot>> | undefined;
}

export interface ResolvedToKinesisPolicies {
  readonly onFailure: FailurePolicy;
  readonly overflow: OverflowPolicy;
  readonly flushOnUnsubscribe: boolean;
}

/** The longest delay a timer can wait (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates flushTimeoutMs; Infinity when not given (no deadline). Throws InvalidOptionError. */
export function resolveFlushTimeoutMs<T>(options: ToKinesisOptions<T>): number {
  const { flushTimeoutMs } = options;
  if (flushTimeoutMs === undefined) return Number.POSITIVE_INFINITY;
  if (
    typeof flushTimeoutMs !== 'number' ||
    !(flushTimeoutMs === Number.POSITIVE_INFINITY || (flushTimeoutMs >= 0 && flushTimeoutMs <= MAX_TIMER_MS))
  ) {
    throw new InvalidOptionError(
      'flushTimeoutMs',
      flushTimeoutMs,
      `expected ms from 0 to ${MAX_TIMER_MS}, or Infinity`,
    );
  }
  return flushTimeoutMs;
}

/** Validates the operator-only options; throws InvalidOptionError. */
export function resolveToKinesisPolicies<T>(options: ToKinesisOptions<T>): ResolvedToKinesisPolicies {
  const onFailure = options.onFailure ?? 'error';
  if (onFailure !== 'error' && onFailure !== 'emit') {
    throw new InvalidOptionError('onFailure', onFailure, "expected 'error' or 'emit'");
  }
  const overflow = options.overflow ?? 'error';
  if (overflow !== 'error' && overflow !== 'drop-newest') {
    throw new InvalidOptionError('overflow', overflow, "expected 'error' or 'drop-newest'");
  }
  const flushOnUnsubscribe = options.flushOnUnsubscribe ?? true;
  if (typeof flushOnUnsubscribe !== 'boolean') {
    throw new InvalidOptionError('flushOnUnsubscribe', flushOnUnsubscribe, 'expected true or false');
  }
  const { metricsObserver } = options;
  if (metricsObserver !== undefined && (typeof metricsObserver !== 'object' || metricsObserver === null)) {
    throw new InvalidOptionError(
      'metricsObserver',
      metricsObserver,
      'expected an observer { next?, error?, complete? }',
    );
  }
  validateFlushOn(options.flushOn);
  return { onFailure, overflow, flushOnUnsubscribe };
}
