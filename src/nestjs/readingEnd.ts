import { AbortedError, LeaseLostError } from '../index.js';
import { describeForLog } from './describeForLog.js';

/**
 * Why this worker stopped reading a shard before its events were done, as its records' abort
 * reason says (see the consumer's `abortSignal`): the lease was lost (taken over, expired), or
 * handed over (released for another worker), or the consumer stopped reading the shard, or the
 * reading failed.
 */
export type ReadingEnd = 'lost' | 'handed-over' | 'stopped' | 'failed';

/** The ReadingEnd a record's abort reason tells. Never throws. */
export function readingEndOf(reason: unknown): ReadingEnd {
  try {
    if (reason instanceof LeaseLostError) return reason.handedOver ? 'handed-over' : 'lost';
    if (reason instanceof AbortedError) return 'stopped';
  } catch {
    // A reason that cannot be asked (a revoked Proxy) is no error of this library.
  }
  return 'failed';
}

/**
 * What ended the reading of `shardId`, as a log line words it after an event of the shard:
 * `the lease of shardId-0 was handed over`, `the consumer stopped reading shardId-0`.
 */
export function describeReadingEnd(reason: unknown, shardId: string): string {
  switch (readingEndOf(reason)) {
    case 'lost':
      return `the lease of ${shardId} was lost`;
    case 'handed-over':
      return `the lease of ${shardId} was handed over`;
    case 'stopped':
      return `the consumer stopped reading ${shardId}`;
    case 'failed':
      return `the reading of ${shardId} failed (${describeForLog(reason)})`;
  }
}

/** Who handles again the events of a shard whose reading ended so (they are not checkpointed). */
export function nextReaderOf(reason: unknown): string {
  const end = readingEndOf(reason);
  return end === 'lost' || end === 'handed-over'
    ? 'its next owner'
    : 'the next reading of the shard, from its last checkpoint';
}
