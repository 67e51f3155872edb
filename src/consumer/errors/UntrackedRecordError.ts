import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * checkpoint() received a record of a consumer that does not track its subscribers: the
 * consumer was started without a checkpointer (none in fromKinesis() options, no checkpoint()
 * subscribed with its first subscriber, ackOnEmit not false), so its records are finished
 * when emitted and a position written for them could be ahead of unprocessed work.
 */
export class UntrackedRecordError extends RxjsKinesisError {
  constructor(streamName: string, shardId: string) {
    super(
      `checkpoint() got a record of a fromKinesis() consumer that does not track checkpoints (stream ` +
        `"${streamName}"); pass the checkpointer to fromKinesis({ checkpointer }) (or set ackOnEmit: false)`,
      { retriable: false, context: { streamName, shardId } },
    );
  }
}
