/**
 * Share of a shard's bytes/s budget an aggregated record fills at most (unless one item is
 * larger): just under half, so that two records take 99.5 % of the budget in each second and go
 * half a second apart (see ShardLane). A record that took the whole budget could go only
 * once all of it was back, and would be throttled if it reached Kinesis a moment early.
 */
export const RECORD_BUDGET_SHARE = 0.4975;

/** How big a lane's records grow and how evenly they go. */
export interface RecordSizes {
  /**
   * Size an aggregated record does not grow past (unless its first item is larger), and at which
   * it closes without waiting for the next item: just under half a shard's byte budget, or
   * maxRecordBytes if smaller; without aggregation 0, so each record closes as its one item is
   * added.
   */
  readonly fullRecordBytes: number;
  /**
   * fullRecordBytes is below maxRecordBytes: an aggregated record closes before an item would
   * take it past that size (the accumulator itself only closes it at maxRecordBytes).
   */
  readonly closesBeforeItem: boolean;
  /** The most bytes of a lane that go at once (see ShardLane), for aggregated records only. */
  readonly paceBurst: number | undefined;
}

export function recordSizes(
  aggregates: boolean,
  limits: { readonly maxRecordBytes: number; readonly bytesPerSecond: number },
): RecordSizes {
  if (!aggregates) return { fullRecordBytes: 0, closesBeforeItem: false, paceBurst: undefined };
  const half = Math.floor(limits.bytesPerSecond * RECORD_BUDGET_SHARE);
  const fullRecordBytes = Math.min(limits.maxRecordBytes, half);
  return { fullRecordBytes, closesBeforeItem: fullRecordBytes < limits.maxRecordBytes, paceBurst: half };
}
