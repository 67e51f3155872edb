import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * One record of a direct subscriber reached two checkpoint() operators side by side: a share(),
 * shareReplay(), publish() or partition() between fromKinesis() and checkpoint() split that
 * subscriber's records into pipelines the consumer cannot tell apart, so the faster one commits
 * positions the other has not processed. fromKinesis() is already shared: subscribe each
 * pipeline to it directly, and each holds back the position until it finished its records.
 * Also raised for a checkpoint() after asynchronous work behind another checkpoint(): the first
 * one commits before that work is done, so keep only the last one.
 *
 * Once it is raised the consumer's readings write nothing more and every shard is read again
 * from its last position written, so positions settled ahead of the work are never stored
 * (only a batch written before the error can be).
 */
export class MulticastCheckpointError extends RxjsKinesisError {
  constructor(streamName: string, shardId: string, sequenceNumber: string) {
    super(
      `a record (stream "${streamName}", shard ${shardId}, sequence number ${sequenceNumber}) reached two ` +
        `checkpoint() operators of one fromKinesis() subscription: side by side (share(), shareReplay() or ` +
        `partition() before checkpoint()?), the faster pipeline would commit records the other has not ` +
        `processed (fromKinesis() is already shared: subscribe each pipeline to it directly); one after ` +
        `the other with asynchronous work between them, the first commits before that work is done (keep ` +
        `only the last checkpoint())`,
      { retriable: false, context: { streamName, shardId, sequenceNumber } },
    );
  }
}
