import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { KinesisRecord } from './KinesisRecord.js';

/** A checkpoint() operator instance, as the consumer knows it. */
export interface CheckpointSink {
  /** Unique per operator subscription. */
  readonly id: number;
  /** The checkpointer given to checkpoint(), if any. */
  readonly checkpointer?: Checkpointer;
  /** Called by a consumer when it attaches the sink, so the operator can detach and flush it later. */
  readonly bound?: (link: ConsumerLink) => void;
}

/**
 * How a checkpoint() operator talks to the consumer that emitted a record. Positions are
 * written by the consumer, through its lease on the shard, never by the operator directly.
 */
export interface ConsumerLink {
  readonly streamName: string;
  /** The checkpointer the consumer resumes from and leases through. */
  readonly checkpointer: Checkpointer;
  /**
   * Registers a sink: records emitted from now on stay in flight until it passes them.
   * Throws CheckpointerConflictError if the sink names another checkpointer.
   */
  attachSink(sink: CheckpointSink): void;
  isAttached(sinkId: number): boolean;
  /** Forgets a sink: records it has not passed no longer wait for it. */
  detachSink(sinkId: number): void;
  /**
   * Every record of `record`'s shard emitted before it has passed the sink, and so has `record`
   * itself: whole if `subSequenceNumber` is undefined, else its items 0..subSequenceNumber.
   */
  passed(sinkId: number, record: KinesisRecord, subSequenceNumber: number | undefined): void;
  /**
   * One item was dropped before sink `sinkId` (every sink of the record when undefined) and will
   * never reach it (checkpointFilter): that item alone is done for the sink, never the records or
   * items before it, which may still be in processing. `subSequenceNumber` undefined (or
   * `subRecordCount` 1) means the whole record. Links that track nothing may leave it out.
   */
  skipped?(
    record: KinesisRecord,
    subSequenceNumber: number | undefined,
    subRecordCount: number,
    sinkId?: number,
  ): void;
  /** Writes the positions that may be committed now. Never rejects: failures become events. */
  commit(): Promise<void>;
}
