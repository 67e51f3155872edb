import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { Backoff, type BackoffOptions } from '../../kinesis/backoff.js';
import { sleep as realSleep } from '../../kinesis/sleep.js';
import { RedisCommandError } from './errors/RedisCommandError.js';
import { RedisUnavailableError } from './errors/RedisUnavailableError.js';
import { isRetriableRedisError } from './isRetriableRedisError.js';

export interface RetryRedisCallOptions {
  readonly backoff: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly context?: ErrorContext;
  /** Checked before each retry: a closed checkpointer stops retrying with this error. */
  readonly stopped?: () => Error | undefined;
}

/**
 * Runs one Redis call, repeating it with back-off while it fails for a transient reason. Every
 * lease script is idempotent (the same owner re-acquiring gets its token back, the same
 * checkpoint again is accepted), so repeating a call whose reply was lost is safe. Raises
 * RedisUnavailableError (retriable) when the retries run out, RedisCommandError for a permanent
 * Redis error, and rethrows this library's own errors unchanged.
 */
export async function retryRedisCall<T>(
  operation: string,
  call: () => Promise<T>,
  options: RetryRedisCallOptions,
): Promise<T> {
  const backoff = new Backoff(options.backoff);
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof RxjsKinesisError) throw error;
      if (!isRetriableRedisError(error))
        throw new RedisCommandError(operation, describe(error), error, options.context);
      const delay = backoff.next();
      if (delay === undefined) throw new RedisUnavailableError(operation, attempt, error, options.context);
      await sleep(delay);
      const stop = options.stopped?.();
      if (stop !== undefined) throw stop;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
