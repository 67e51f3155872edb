import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * One record of a direct subscriber reached two checkpoint() operators side by side: a share(),
 * shareReplay(), publish() or partition() between fromKinesis() and checkpoint() split that
 * subscriber's records into pipelines the consumer cannot tell apart, so the faster one commits
 * positions the other has not processed. fromKinesis() is already shared: subscribe each
 * pipeline to it directly, and each holds back the position until it finished its records.
 */
export class MulticastCheckpointError extends RxjsKinesisError {
  constructor(streamName: string, shardId: string, sequenceNumber: string) {
    super(
      `a record (stream "${streamName}", shard ${shardId}, sequence number ${sequenceNumber}) reached two ` +
        `checkpoint() operators of one fromKinesis() subscription (share(), shareReplay() or partition() ` +
        `before checkpoint()?); the faster pipeline would commit records the other has not processed. ` +
        `fromKinesis() is already shared: subscribe each pipeline to it directly`,
      { retriable: false, context: { streamName, shardId, sequenceNumber } },
    );
  }
}
