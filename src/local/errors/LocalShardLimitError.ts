import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';

/**
 * `createStream()` on the local Kinesis asked for more shards than the account shard limit
 * (`shardLimit`, default 500) leaves: the open shards of all streams plus the new ones would pass
 * it. Not retriable: the same call fails until streams are deleted or scaled in, or a local
 * Kinesis with a higher `shardLimit` is started.
 */
export class LocalShardLimitError extends RxjsKinesisError {
  /** Shards the stream was to have. */
  readonly requestedShards: number;
  /** The account shard limit of this local Kinesis. */
  readonly shardLimit: number;

  constructor(streamName: string, requestedShards: number, shardLimit: number, detail: string) {
    super(
      `createStream("${streamName}", ${requestedShards}) exceeds the shard limit of ${shardLimit}: ${detail}`,
      {
        retriable: false,
        context: { streamName },
      },
    );
    this.requestedShards = requestedShards;
    this.shardLimit = shardLimit;
  }
}
