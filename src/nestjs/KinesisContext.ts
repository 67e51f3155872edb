import { BaseRpcContext } from '@nestjs/microservices';
import type { KinesisItem } from '../index.js';

/** What `@Ctx()` gives a handler of KinesisTransportStrategy: the event's place in the stream. */
export class KinesisContext extends BaseRpcContext<[KinesisItem<unknown>, string]> {
  /** The consumed item: data, shard, sequence number, partition key, arrival time. */
  getItem(): KinesisItem<unknown> {
    return this.args[0];
  }

  getPattern(): string {
    return this.args[1];
  }

  getShardId(): string {
    return this.args[0].shardId;
  }

  getSequenceNumber(): string {
    return this.args[0].sequenceNumber;
  }

  getPartitionKey(): string {
    return this.args[0].partitionKey;
  }
}
