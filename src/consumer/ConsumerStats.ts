import type { CheckpointPosition } from '../checkpointers/Checkpointer.js';

/**
 * waiting: parents not finished; reading; draining: read to its end, records still in flight;
 * releasing: being handed over or given up (records in flight finish first); ended: SHARD_END
 * written; unowned: another worker holds it (or nobody yet); stopped: the consumer stopped.
 */
export type ShardReadState =
  'waiting' | 'reading' | 'draining' | 'releasing' | 'ended' | 'unowned' | 'stopped';

/** Counters of one shard, since the consumer started. */
export interface ShardStats {
  readonly shardId: string;
  readonly state: ShardReadState;
  readonly records: number;
  readonly bytes: number;
  /**
   * GetRecords calls answered with a page of records (with enhanced fan-out, subscription events);
   * calls throttled or failed are not counted here (see `throttles` and `error-retried` events).
   */
  readonly getRecordsCalls: number;
  /** GetRecords and GetShardIterator calls throttled (one `throttled` event each). */
  readonly throttles: number;
  readonly millisBehindLatest?: number;
  /** The last emitted record. */
  readonly lastSequenceNumber?: string;
  /** The last position written to the checkpointer. */
  readonly checkpoint?: CheckpointPosition | 'SHARD_END';
  /** Records of this shard emitted and not yet past checkpoint(). */
  readonly inFlight: number;
}

/** A snapshot of a consumer, from `fromKinesis(...).stats()`. */
export interface ConsumerStats {
  readonly streamName: string;
  readonly workerId: string;
  readonly running: boolean;
  /** Records emitted and not yet released (past checkpoint(), or returned from next()). */
  readonly inFlight: number;
  /** The most records ever in flight at once. */
  readonly peakInFlight: number;
  /** The bound on records in flight applied now (never above maxQueueItems). */
  readonly maxQueueSize: number;
  /**
   * Items of the records in flight: a record counts its items once deserialize() decoded it, and
   * until then the items per record of the records decoded lately.
   */
  readonly inFlightItems: number;
  /** Data bytes of the records in flight. */
  readonly inFlightBytes: number;
  readonly shards: readonly ShardStats[];
}
