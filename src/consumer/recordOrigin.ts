import type { UntrackedRecordError } from './errors/UntrackedRecordError.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from './KinesisRecord.js';

/** Records a tracked consumer handed to consumer.observe() only (weakly held: they go with the record). */
const passive = new WeakSet<KinesisRecord>();

/** Marks a record of a tracked consumer as one of its passive view's; returns it. */
export function markPassive(record: KinesisRecord): KinesisRecord {
  passive.add(record);
  return record;
}

/** Where a record without a tracking handle came from, for the error checkpoint() raises. */
export function untrackedOrigin(record: KinesisRecord): UntrackedRecordError['origin'] {
  if (passive.has(record)) return 'observe';
  return record[CONSUMER_CONTEXT] === undefined ? 'not-emitted' : 'untracked-consumer';
}
