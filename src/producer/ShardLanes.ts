import type { LaneAccumulator } from './LaneAccumulator.js';
import type { BatchLimits } from './BatchLimits.js';
import { ShardLane } from './ShardLane.js';

/**
 * The producer's lanes, one per predicted shard, made when a shard is first used and kept in
 * that order (the order the open and closed records walk them in) until the shard is gone and
 * its lane holds nothing (forget).
 */
export class ShardLanes<T> {
  readonly byId = new Map<string, ShardLane<T>>();
  /** The lanes of `byId`, in the order they were made. */
  list: ShardLane<T>[] = [];

  /**
   * @param createAccumulator Makes a lane's accumulator (see laneAccumulators).
   * @param paceBurst See ShardLane.
   */
  constructor(
    private readonly createAccumulator: (maxRecordBytes: number) => LaneAccumulator<T>,
    private readonly limits: BatchLimits,
    private readonly paceBurst: number | undefined,
  ) {}

  lane(shardId: string): ShardLane<T> {
    let lane = this.byId.get(shardId);
    if (lane === undefined) {
      lane = new ShardLane<T>(
        shardId,
        this.newAccumulator(),
        this.limits.recordsPerSecond,
        this.limits.bytesPerSecond,
        this.paceBurst,
      );
      this.byId.set(shardId, lane);
      this.list.push(lane);
    }
    return lane;
  }

  /** An empty accumulator for a lane's open record. */
  newAccumulator(): LaneAccumulator<T> {
    return this.createAccumulator(this.limits.maxRecordBytes);
  }

  /**
   * Drops the lanes of shards `gone` says are gone that hold nothing (no record open, closed,
   * to send again or in a call): a lane made again later starts empty, with full budgets.
   */
  forget(gone: (shardId: string) => boolean): void {
    const kept: ShardLane<T>[] = [];
    for (const lane of this.list) {
      if (lane.idle && gone(lane.shardId)) this.byId.delete(lane.shardId);
      else kept.push(lane);
    }
    this.list = kept;
  }

  /** Drops every lane (the producer is aborted, see RecordBatcher.takeAll). */
  clear(): void {
    this.byId.clear();
    this.list = [];
  }
}
