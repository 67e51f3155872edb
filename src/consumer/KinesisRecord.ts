import type { Processor } from '../processors/Processor.js';
import type { ConsumerLink } from './ConsumerLink.js';

/** Internal link from a consumed record to the consumer that read it (processor, etc.). */
export const CONSUMER_CONTEXT: unique symbol = Symbol('rxjs-kinesis.consumerContext');

export interface ConsumerContext {
  /** The processor given to fromKinesis(); what deserialize() uses when given none. */
  readonly processor: Processor<unknown>;
  /** The consumer that emitted the record: checkpoint() reports passed positions to it. */
  readonly link?: ConsumerLink;
}

/** One record as fromKinesis() emits it. */
export interface KinesisRecord {
  readonly streamName: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp: Date;
  /** How far behind the tip of the shard the GetRecords call that returned this record was. */
  readonly millisBehindLatest?: number;
  /**
   * Set when the consumer resumed inside this (KPL-aggregated) record: items with a
   * subSequenceNumber up to and including this one were already checkpointed and must be skipped.
   */
  readonly resumeAfterSubSequenceNumber?: number;
  readonly [CONSUMER_CONTEXT]?: ConsumerContext;
}
