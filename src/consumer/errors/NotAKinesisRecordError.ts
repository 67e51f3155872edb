import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/** What the value is, in a few words (never its content: an item may hold anything). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  try {
    const fields = value as { record?: unknown; subSequenceNumber?: unknown };
    if (typeof fields.record === 'object' && typeof fields.subSequenceNumber === 'number')
      return 'a KinesisItem (deserialize() is in the pipeline twice?)';
    return 'an object without data bytes';
  } catch {
    return 'an object that cannot be read';
  }
}

/**
 * deserialize() received a value that is not a KinesisRecord: an object whose `data` is the
 * record's bytes (a Uint8Array or Buffer), as fromKinesis() emits. Not retriable: the pipeline
 * is wrong, not the data.
 */
export class NotAKinesisRecordError extends RxjsKinesisError {
  constructor(value: unknown) {
    super(
      `deserialize() expects KinesisRecord values (data as bytes), such as fromKinesis() emits; got ${describeValue(value)}`,
      { retriable: false },
    );
  }
}
