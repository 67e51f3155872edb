import type { SchedulerLike } from 'rxjs';
import type { Processor } from '../processors/Processor.js';
import type { RECORD_HANDLE, RecordHandle } from './RecordTracking.js';

/** Internal link from a consumed record to the consumer that read it (processor, scheduler). */
export const CONSUMER_CONTEXT: unique symbol = Symbol('rxjs-kinesis.consumerContext');

export interface ConsumerContext {
  /** The processor given to fromKinesis(); what deserialize() uses when given none. */
  readonly processor: Processor<unknown>;
  /** The scheduler given to fromKinesis(); where deserialize() runs its timers when given none. */
  readonly scheduler?: SchedulerLike;
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
  /**
   * Fires when the reading of the record's shard ends before the record could be committed:
   * the lease was lost or handed over, or the consumer stopped. Work on the record may stop.
   */
  readonly abortSignal?: AbortSignal;
  readonly [CONSUMER_CONTEXT]?: ConsumerContext;
  /** Set on records of a tracked consumer: what settles the record in its subscriber's pipeline. */
  readonly [RECORD_HANDLE]?: RecordHandle;
}
