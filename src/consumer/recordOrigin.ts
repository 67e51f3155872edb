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
  if (record[CONSUMER_CONTEXT] !== undefined) return 'untracked-consumer';
  return ofAnotherCopy(record) ? 'another-copy' : 'not-emitted';
}

/**
 * Whether a record carries the link of another copy of this library: one loaded through `import`
 * (the ES module build) and one through `require()` (the CommonJS build) in the same process each
 * have their own symbols, so neither sees the other's.
 */
function ofAnotherCopy(record: object): boolean {
  return Object.getOwnPropertySymbols(record).some(
    (key) => key !== CONSUMER_CONTEXT && key.description === CONSUMER_CONTEXT.description,
  );
}
