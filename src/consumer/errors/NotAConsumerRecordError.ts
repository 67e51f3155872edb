import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * checkpoint() received a value that did not come from fromKinesis(): neither a KinesisRecord it
 * emitted nor a KinesisItem made from one by deserialize().
 */
export class NotAConsumerRecordError extends RxjsKinesisError {
  constructor(value: unknown) {
    super(
      `checkpoint() expects KinesisRecord values emitted by fromKinesis() or KinesisItem values from deserialize(); got ${
        value === null ? 'null' : typeof value
      }`,
      { retriable: false },
    );
  }
}
