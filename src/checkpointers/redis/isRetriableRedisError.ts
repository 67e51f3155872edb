import { isError } from '../../errors/redact.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { redisReplyMessage } from './redisReplyMessage.js';

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
  // A script's command refused so on Redis up to 6.2 (say, READONLY) counts as that reply.
  const message = redisReplyMessage(error);
  if (message !== undefined) return TRANSIENT_REPLIES.some((code) => message.startsWith(code));
  return isError(error);
}
