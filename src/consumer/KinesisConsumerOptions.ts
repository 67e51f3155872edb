import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent } from './ConsumerEvent.js';
import type { KinesisRecord } from './KinesisRecord.js';
import type { ReadingSourceFactory } from './ReadingSource.js';
import type { ShardReader } from './ShardReader.js';
import type { ShardSubscriber } from './ShardSubscriber.js';

/** What one run of a fromKinesis() consumer (a KinesisConsumer) is given. */
export interface KinesisConsumerOptions {
  readonly options: ResolvedConsumerOptions;
  readonly checkpointer: Checkpointer;
  /** Records stay in flight until every subscriber that received them settled them. */
  readonly tracked: boolean;
  readonly onEvent: (event: ConsumerEvent) => void;
  /** Every record, for passive observers (observe()). */
  readonly tap: (record: KinesisRecord) => void;
  /** Data-plane calls; default: a ShardReader over the consumer's KinesisClient. */
  readonly reader?: ShardReader;
  /** How readings get records; default: GetRecords polling through `reader`, or fan-out. */
  readonly source?: ReadingSourceFactory;
  /** SubscribeToShard calls with `enhancedFanOut`; default: over an HTTP/2 KinesisClient. */
  readonly subscriber?: ShardSubscriber;
}
