import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { RetryLimitExceededError } from '../kinesis/errors/RetryLimitExceededError.js';
import { ThrottledError } from '../kinesis/errors/ThrottledError.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import { StreamConsumerNotActiveError } from './errors/StreamConsumerNotActiveError.js';
import { SubscriptionInUseError } from './errors/SubscriptionInUseError.js';
import { SubscriptionSilentError } from './errors/SubscriptionSilentError.js';
import { SubscriptionTakenOverError } from './errors/SubscriptionTakenOverError.js';

/** SubscribeToShard allows one call per second per consumer and shard. */
export const SUBSCRIBE_INTERVAL_MS = 1000;

export interface SubscriptionRetryPolicyOptions {
  readonly streamName: string;
  readonly shardId: string;
  readonly backoff: {
    readonly baseMs: number;
    readonly capMs: number;
    readonly retryLimit: number;
    readonly random: () => number;
  };
  /**
   * Consecutive silent subscriptions (timeouts) after which the shard counts as stalled;
   * undefined: never stalled, silence is retried as any retriable error.
   */
  readonly stallTimeouts?: number;
}

/** What to do after a failed subscription. */
export type SubscriptionRetryDecision =
  | {
      /** Subscribe again after `delayMs`, telling `event` (error-retried or throttled). */
      readonly kind: 'retry';
      readonly delayMs: number;
      readonly event: ConsumerEvent;
    }
  | {
      /** `timeouts` silent subscriptions in a row: give the shard up as stalled. */
      readonly kind: 'stalled';
      readonly error: RxjsKinesisError;
      readonly timeouts: number;
    }
  | {
      /** Not retriable, or the retry limit is spent: fail the reading with `error`. */
      readonly kind: 'fail';
      readonly error: RxjsKinesisError;
    };

/**
 * The retry side of one shard's SubscribeToShard reading: classifies each failure and decides
 * between subscribing again (and after how long), giving the shard up as stalled, and failing.
 * - ResourceInUseException refusing a call (the previous subscription, ours or the previous
 *   owner's, is still open): again at the 1-per-second floor, not counted against the retry limit;
 * - ResourceInUseException ending a subscription that delivered (another reader took it over as
 *   the same consumer): fail with SubscriptionTakenOverError, since subscribing again would take
 *   it back and both would read the shard in turn;
 * - throttled: back off without limit, never faster than the floor;
 * - other retriable errors: exponential back-off up to `retryLimit`, then RetryLimitExceededError;
 * - non-retriable errors: fail at once; the stream consumer gone (deregistered by another client,
 *   or with its stream) as StreamConsumerNotActiveError (status 'not found'), not as a missing stream.
 * Any event resets the counts (reset()). Holds no timer: the caller waits.
 */
export class SubscriptionRetryPolicy {
  private readonly backoff: Backoff;
  private readonly throttleBackoff: Backoff;
  /** Silent subscriptions in a row (reset by any event). */
  private timeouts = 0;
  private inUse = 0;

  constructor(private readonly options: SubscriptionRetryPolicyOptions) {
    this.backoff = new Backoff(options.backoff);
    this.throttleBackoff = new Backoff({ ...options.backoff, retryLimit: Number.POSITIVE_INFINITY });
  }

  /** An event arrived: the subscription works, every count starts again. */
  reset(): void {
    this.timeouts = 0;
    this.inUse = 0;
    this.backoff.reset();
    this.throttleBackoff.reset();
  }

  /** `streamed`: the failed subscription had delivered events (it was open, not refused). */
  decide(thrown: unknown, streamed = false): SubscriptionRetryDecision {
    const { streamName, shardId, stallTimeouts } = this.options;
    const context = { streamName, shardId };
    if (streamed && isResourceInUse(thrown)) {
      return { kind: 'fail', error: new SubscriptionTakenOverError(streamName, shardId, thrown) };
    }
    const gone = consumerNotFound(thrown);
    if (gone !== undefined) {
      return {
        kind: 'fail',
        error: new StreamConsumerNotActiveError(gone, 'not found', 0, streamName, thrown),
      };
    }
    const error: RxjsKinesisError = isResourceInUse(thrown)
      ? new SubscriptionInUseError(streamName, shardId, thrown)
      : classifyError(thrown, context);
    if (error instanceof SubscriptionInUseError) {
      this.inUse += 1;
      return {
        kind: 'retry',
        delayMs: SUBSCRIBE_INTERVAL_MS,
        event: {
          type: 'error-retried',
          shardId,
          operation: 'SubscribeToShard',
          error,
          attempt: this.inUse,
          delayMs: SUBSCRIBE_INTERVAL_MS,
        },
      };
    }
    if (!error.retriable) return { kind: 'fail', error };
    const timedOut = error instanceof SubscriptionSilentError || error instanceof RequestTimeoutError;
    this.timeouts = timedOut ? this.timeouts + 1 : 0;
    if (stallTimeouts !== undefined && this.timeouts >= stallTimeouts)
      return { kind: 'stalled', error, timeouts: this.timeouts };
    if (error instanceof ThrottledError) {
      const delayMs = Math.max(this.throttleBackoff.next() ?? 0, SUBSCRIBE_INTERVAL_MS);
      return { kind: 'retry', delayMs, event: { type: 'throttled', shardId, delayMs } };
    }
    const retry = this.backoff.attempts + 1;
    const delay = this.backoff.next();
    if (delay === undefined) {
      return {
        kind: 'fail',
        error: new RetryLimitExceededError(
          `SubscribeToShard on ${shardId} failed ${retry} times: ${error.message}`,
          { attempts: retry, cause: error, context },
        ),
      };
    }
    return {
      kind: 'retry',
      delayMs: delay,
      event: {
        type: 'error-retried',
        shardId,
        operation: 'SubscribeToShard',
        error,
        attempt: retry,
        delayMs: delay,
      },
    };
  }
}

/**
 * The consumer ARN of a ResourceNotFoundException that names a stream consumer ("Consumer ARN under
 * account ... not found."), as SubscribeToShard answers once the consumer is deregistered; undefined
 * for anything else (a missing stream or shard).
 */
function consumerNotFound(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name !== 'ResourceNotFoundException' || typeof message !== 'string') return undefined;
  const match = /^Consumer (\S+)/.exec(message);
  return match?.[1];
}

function isResourceInUse(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'ResourceInUseException' || code === 'ResourceInUseException';
}
