import { backoffDelay } from '../../kinesis/backoff.js';
import type { ErrorContext } from '../../errors/RxjsKinesisError.js';
import type { Logger } from '../../logging/Logger.js';
import { writeLog } from '../../logging/writeLog.js';
import type { DynamoDBClientLike } from './DynamoDBClientLike.js';
import { clientRegion } from './clientRegion.js';
import { DynamoDBRequestError } from './errors/DynamoDBRequestError.js';
import { LeaseTableMissingError } from './errors/LeaseTableMissingError.js';
import { LeaseTablePermissionError } from './errors/LeaseTablePermissionError.js';
import { isRetriableDynamoDBError } from './isRetriableDynamoDBError.js';
import { untilClosed } from './untilClosed.js';

/** How every DynamoDB request of the checkpointer is sent. */
export interface DynamoDBCallPolicy {
  readonly client: DynamoDBClientLike;
  /** Deadline of one attempt, in ms: the request is aborted past it (and retried). */
  readonly requestTimeout: number;
  readonly maxAttempts: number;
  /** Budget of one call, retries included, in ms: no attempt or wait runs past it. */
  readonly callTimeout: number;
  readonly now: () => number;
  /**
   * Waits `ms`; ends early (resolving) when `signal` aborts, as the default sleep does (one of the
   * caller's own, given as an option, is not told of `signal`: the wait is raced with it instead).
   */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where retries (throttling, 5xx, timeouts) and failed calls are logged. */
  readonly logger?: Logger;
  /**
   * The hash key of the tables these calls address: `leaseKey` (lease tables, the default) or
   * `workerId` (workers tables). Says which kind a LeaseTableMissingError lost.
   */
  readonly hashKey?: string;
  /**
   * Ends the call when aborted: the request under way is aborted, no retry follows, and the call
   * rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** What `onError` learns besides the error. */
export interface CallAttempts {
  /**
   * Some attempt of this call so far (the failing one included) ended without DynamoDB's answer:
   * a deadline or a dropped connection cut it off, a 5xx came back, or a 2xx the SDK could not
   * read (cut short, not JSON). Such a write may have been
   * applied, so a retry whose condition then fails may have failed against that very write.
   */
  readonly answerLost: boolean;
}

/** Any command of @aws-sdk/client-dynamodb (their middleware types do not unify under one `send`). */
type Sendable = { readonly input: object };
type Send = (command: Sendable, options: { abortSignal: AbortSignal }) => Promise<unknown>;

/**
 * Sends `makeCommand()` with a deadline per attempt (`requestTimeout`, cut to what is left of
 * `callTimeout`), retrying throttling, 5xx, unreadable answers, timeouts and lost
 * connections with full-jitter back-off. Conditional-check failures and other answers are
 * returned to `onError` first (with whether an answer was lost so far, see CallAttempts): when it
 * returns a value, that value is the result (no retry). A ResourceNotFoundException `onError`
 * does not take (every call but DescribeTable's, which runs before a table is used) means the
 * table was deleted while in use: LeaseTableMissingError (`deleted`); an AccessDeniedException,
 * that the credentials lack the permission: LeaseTablePermissionError. Anything else fails with
 * DynamoDBRequestError.
 */
export async function callDynamoDB<T>(
  policy: DynamoDBCallPolicy,
  what: { readonly operation: string; readonly tableName: string; readonly context?: ErrorContext },
  makeCommand: () => Sendable,
  onError?: (
    error: unknown,
    attempts: CallAttempts,
  ) => { readonly handled: true; readonly value: T } | undefined,
): Promise<T> {
  const giveUpAt = policy.now() + policy.callTimeout;
  let answerLost = false;
  const ended = policy.signal;
  for (let attempt = 1; ; attempt += 1) {
    ended?.throwIfAborted();
    const controller = new AbortController();
    const deadline = Math.max(1, Math.min(policy.requestTimeout, giveUpAt - policy.now()));
    const timer = setTimeout(() => controller.abort(), deadline);
    const end = () => controller.abort();
    ended?.addEventListener('abort', end, { once: true });
    try {
      const send = policy.client.send.bind(policy.client) as unknown as Send;
      return (await send(makeCommand(), { abortSignal: controller.signal })) as T;
    } catch (error) {
      ended?.throwIfAborted();
      answerLost ||=
        controller.signal.aborted ||
        (isRetriableDynamoDBError(error) && !isThrottle(error)) ||
        retriedInside(error);
      const handled = onError?.(error, { answerLost });
      if (handled !== undefined) return handled.value;
      if (errorName(error) === 'ResourceNotFoundException') throw await tableDeleted(policy, what, error);
      if (errorName(error) === 'AccessDeniedException') throw await accessDenied(policy, what, error);
      const retriable = controller.signal.aborted || isRetriableDynamoDBError(error);
      const delay = backoffDelay(attempt - 1, { baseMs: 50, capMs: 2_000 });
      if (!retriable || attempt >= policy.maxAttempts || policy.now() + delay >= giveUpAt) {
        const failure = new DynamoDBRequestError({ ...what, attempts: attempt, retriable, cause: error });
        writeLog(policy.logger, 'error', 'DynamoDB call failed', {
          operation: what.operation,
          tableName: what.tableName,
          ...what.context,
          attempts: attempt,
          code: failure.code,
          error: failure,
        });
        throw failure;
      }
      writeLog(
        policy.logger,
        'warn',
        isThrottle(error) ? 'DynamoDB throttled, retrying' : 'retrying DynamoDB call',
        {
          operation: what.operation,
          tableName: what.tableName,
          ...what.context,
          attempt,
          delayMs: delay,
          code: controller.signal.aborted ? 'RequestTimeout' : errorName(error),
        },
      );
      ended?.removeEventListener('abort', end);
      // A sleep of the caller's own is not told of `ended`: the wait ends with it all the same.
      await untilClosed(policy.sleep(delay, ended), ended);
    } finally {
      clearTimeout(timer);
      ended?.removeEventListener('abort', end);
    }
  }
}

/** The error of a call to a table deleted while in use (the call is not retried), logged. */
async function tableDeleted(
  policy: DynamoDBCallPolicy,
  what: { readonly operation: string; readonly tableName: string; readonly context?: ErrorContext },
  cause: unknown,
): Promise<LeaseTableMissingError> {
  const failure = new LeaseTableMissingError(what.tableName, what.context?.streamName ?? '', {
    hashKey: policy.hashKey,
    deleted: true,
    region: await clientRegion(policy.client),
    cause,
  });
  writeLog(policy.logger, 'error', 'DynamoDB table deleted while in use', {
    operation: what.operation,
    tableName: what.tableName,
    ...what.context,
    ...(failure.region === undefined ? {} : { region: failure.region }),
    error: failure,
  });
  return failure;
}

/**
 * The error of a request the table's policy refuses (not retried: no retry changes a policy),
 * logged without DynamoDB's message, which names the caller's identity (it is the error's cause).
 */
async function accessDenied(
  policy: DynamoDBCallPolicy,
  what: { readonly operation: string; readonly tableName: string; readonly context?: ErrorContext },
  cause: unknown,
): Promise<LeaseTablePermissionError> {
  const region = await clientRegion(policy.client);
  const failure = new LeaseTablePermissionError(
    what.tableName,
    what.context?.streamName ?? '',
    what.operation,
    { region, cause },
  );
  writeLog(policy.logger, 'error', 'DynamoDB refused the request: access denied', {
    operation: what.operation,
    tableName: what.tableName,
    ...what.context,
    permission: failure.permission,
    ...(region === undefined ? {} : { region }),
  });
  return failure;
}

/** True for DynamoDB's answer that a write's condition did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}

function errorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * A client of the caller's own may retry inside `send` (the SDK's own retries): an answer after
 * more than one SDK attempt may follow an attempt whose answer was lost.
 */
function retriedInside(error: unknown): boolean {
  const metadata =
    typeof error === 'object' && error !== null ? (error as { $metadata?: unknown }).$metadata : undefined;
  const attempts =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as { attempts?: unknown }).attempts
      : undefined;
  return typeof attempts === 'number' && attempts > 1;
}

/** DynamoDB's answers that the table or account is over its throughput. */
function isThrottle(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded'
  );
}
