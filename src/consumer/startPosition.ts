import type { ShardCheckpoint } from '../checkpointers/Checkpointer.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ShardStartPosition } from './ConsumerEvent.js';

type StartOptions = Pick<ResolvedConsumerOptions, 'iteratorType' | 'timestamp' | 'sequenceNumber'>;

/**
 * Where a shard's reading starts, from what the group has stored:
 * - a stored position: right after it (inside an aggregated record: at it, skipping the done items);
 * - no position, and a parent with any stored position or SHARD_END: TRIM_HORIZON (the child
 *   holds only records written after its parents, all of which the group has to read); when this
 *   consumer read every such parent from the configured AT_TIMESTAMP itself (`parentsFromTimestamp`),
 *   at that time (the child's records before it were never asked for);
 * - otherwise the configured start.
 */
export function startPosition(
  options: StartOptions,
  shardId: string,
  stored: ShardCheckpoint | undefined,
  parentStored: boolean,
  parentsFromTimestamp = false,
): ShardStartPosition {
  if (stored?.kind === 'position') {
    const { sequenceNumber, subSequenceNumber } = stored.position;
    return subSequenceNumber === undefined
      ? { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber, origin: 'checkpoint' }
      : {
          iteratorType: 'AT_SEQUENCE_NUMBER',
          sequenceNumber,
          resumeAfterSubSequenceNumber: subSequenceNumber,
          origin: 'checkpoint',
        };
  }
  const { iteratorType, timestamp, sequenceNumber } = options;
  if (parentStored) {
    return parentsFromTimestamp && iteratorType === 'AT_TIMESTAMP' && timestamp !== undefined
      ? { iteratorType, timestamp, origin: 'parent' }
      : { iteratorType: 'TRIM_HORIZON', origin: 'parent' };
  }
  if (iteratorType === 'AT_TIMESTAMP' && timestamp !== undefined)
    return { iteratorType, timestamp, origin: 'configured' };
  if (iteratorType === 'AT_SEQUENCE_NUMBER' || iteratorType === 'AFTER_SEQUENCE_NUMBER') {
    const value = typeof sequenceNumber === 'string' ? sequenceNumber : sequenceNumber?.[shardId];
    if (value !== undefined) return { iteratorType, sequenceNumber: value, origin: 'configured' };
    return { iteratorType: 'TRIM_HORIZON', origin: 'configured' };
  }
  return { iteratorType: iteratorType === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON', origin: 'configured' };
}
