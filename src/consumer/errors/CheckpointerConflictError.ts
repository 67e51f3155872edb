import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * fromKinesis() and checkpoint() were given two different checkpointers. The consumer resumes
 * from, leases through and writes to one checkpointer only: give it to one of them, or the same
 * instance to both.
 */
export class CheckpointerConflictError extends RxjsKinesisError {
  constructor(consumerCheckpointer: string, operatorCheckpointer: string) {
    super(
      `checkpoint() was given checkpointer "${operatorCheckpointer}" but the consumer uses another one ` +
        `("${consumerCheckpointer}"); pass the checkpointer to fromKinesis() or to checkpoint(), or the same instance to both`,
      { retriable: false },
    );
  }
}
