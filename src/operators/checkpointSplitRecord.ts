import { SplitRecordCheckpointError } from '../consumer/errors/SplitRecordCheckpointError.js';
import type { TrackedValue } from '../consumer/RecordTracking.js';

/**
 * The error for a whole record reaching checkpoint() (or dropped by checkpointFilter()) while
 * items deserialize() made of it on their way there have not all passed: settling the record
 * would settle those items too. Undefined for anything else (an item, a record not split, or
 * one whose items are all done in this subscriber's pipeline).
 */
export function splitRecordRefusal(tracked: TrackedValue): SplitRecordCheckpointError | undefined {
  const { record, handle } = tracked;
  if (tracked.subSequenceNumber !== undefined || handle === undefined) return undefined;
  const items = handle.splitInto;
  if (items === undefined || items <= 1) return undefined;
  if (handle.reading.itemsDone(handle.ledger, record.sequenceNumber) >= items) return undefined;
  return new SplitRecordCheckpointError(record.streamName, record.shardId, record.sequenceNumber, items);
}
