import { raceWithAbort } from '../../kinesis/abortSignal.js';

/**
 * Settles like `promise`, or rejects with `closing.reason` (the checkpointer's
 * CheckpointerClosedError) as soon as `closing` aborts: a wait ends at close() even while a sleep
 * of the caller's own or a request is still pending.
 */
export function untilClosed<T>(promise: Promise<T>, closing: AbortSignal | undefined): Promise<T> {
  return raceWithAbort(promise, closing, undefined, (signal) => signal.reason);
}
