import type { CheckpointPosition } from './Checkpointer.js';
import { validateCheckpointPosition } from './validateCheckpointPosition.js';

/**
 * Orders two checkpoint positions: negative if `a` comes before `b`, 0 if equal, positive if
 * after. Sequence numbers compare as numbers (up to 128 bits, so '9' < '10'); within one
 * sequence number a sub-sequence position k (items 0..k of an aggregated record done) comes
 * before the whole record (subSequenceNumber undefined). Throws InvalidOptionError on a
 * malformed position.
 */
export function comparePositions(a: CheckpointPosition, b: CheckpointPosition): number {
  validateCheckpointPosition(a, 'a');
  validateCheckpointPosition(b, 'b');
  const sa = BigInt(a.sequenceNumber);
  const sb = BigInt(b.sequenceNumber);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.subSequenceNumber === b.subSequenceNumber) return 0;
  if (a.subSequenceNumber === undefined) return 1;
  if (b.subSequenceNumber === undefined) return -1;
  return Math.sign(a.subSequenceNumber - b.subSequenceNumber);
}
