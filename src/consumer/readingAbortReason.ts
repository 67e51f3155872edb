import { LeaseLostError } from '../checkpointers/errors/LeaseLostError.js';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { AbortedError } from '../kinesis/errors/AbortedError.js';

/**
 * The reason the `abortSignal` of a reading's records fires with when the reading ends before
 * they were committed: a `LeaseLostError` when the lease is gone (`lost`, with the error that
 * said so if there was one; or `released`: handed over, its `handedOver` true), so the shard's
 * next owner reads them again; an `AbortedError` when the consumer stopped reading the shard (`stopped`); the error that
 * failed the reading (`failed`). Each names the stream and shard in its `context`; none is
 * retriable.
 */
export function readingAbortReason(
  state: 'lost' | 'released' | 'stopped' | 'failed',
  error: unknown,
  where: { readonly streamName: string; readonly workerId: string },
  shardId: string,
): RxjsKinesisError {
  const { streamName, workerId } = where;
  if (state === 'lost' || state === 'released') {
    return error instanceof LeaseLostError
      ? error
      : new LeaseLostError({
          streamName,
          shardId,
          expectedOwner: workerId,
          handedOver: state === 'released',
        });
  }
  if (state === 'failed' && error instanceof RxjsKinesisError) return error;
  return new AbortedError(`The consumer stopped reading shard ${shardId} of stream ${streamName}`, {
    context: { streamName, shardId },
  });
}
