import { isError } from '../../errors/redact.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** Error replies that mean "not now" rather than "never". */
const TRANSIENT_REPLIES = [
  'LOADING',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'MASTERDOWN',
  'READONLY',
  'BUSY',
  'NOREPLICAS',
  'OOM',
];

/**
 * Whether a failed Redis call may succeed if repeated: connection errors, timeouts, ioredis's
 * MaxRetriesPerRequestError and ClusterAllFailedError, and the transient error replies (LOADING,
 * TRYAGAIN, CLUSTERDOWN, MASTERDOWN, READONLY, BUSY, NOREPLICAS, OOM). Other error replies (a
 * script error, WRONGTYPE, NOPERM) and this library's own errors are not.
 */
export function isRetriableRedisError(error: unknown): boolean {
  if (error instanceof RxjsKinesisError) return error.retriable;
  if (isReplyError(error)) {
    const message = (error as Error).message;
    return TRANSIENT_REPLIES.some((code) => message.startsWith(code));
  }
  return isError(error);
}

/** An error reply from the server (ioredis raises them as `ReplyError`). */
function isReplyError(error: unknown): boolean {
  return isError(error) && error.name === 'ReplyError';
}
