import {
  ListShardsCommand,
  type KinesisClient,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { ShardMap } from '../kinesis/ShardMap.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';

/** Lane id of records whose hash key no known open shard covers (the map is being reloaded). */
export const UNASSIGNED_SHARD = 'unassigned';

/**
 * Predicts the shard of each record as Kinesis will choose it (MD5 of the partition key, or the
 * ExplicitHashKey, against the open shards' hash-key ranges) and reloads the map with ListShards
 * when asked (first use, a resharding seen in a PutRecords answer, or when it is older than the
 * refresh interval).
 *
 * ListShards pages are chained with then() and never awaited, so a client whose send() answers
 * on an RxJS scheduler keeps the whole producer in that scheduler's (virtual) time.
 */
export class ShardPredictor {
  private map: ShardMap | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading = false;
  private waiters: Array<(error: unknown) => void> = [];

  constructor(
    private readonly client: KinesisClient,
    private readonly address: StreamAddress,
    private readonly now: () => number,
    private readonly refreshIntervalMs: number,
  ) {}

  get ready(): boolean {
    return this.map !== undefined;
  }

  /** Open shards in the current map (0 before the first load). */
  get shardCount(): number {
    return this.map?.size ?? 0;
  }

  /** True when the map is older than the refresh interval. */
  get stale(): boolean {
    return this.now() - this.loadedAt >= this.refreshIntervalMs;
  }

  /** Id of the shard the record will land in (UNASSIGNED_SHARD if no open shard covers it). */
  predict(partitionKey: string, explicitHashKey?: string): string {
    return this.map?.findShard(partitionKey, explicitHashKey)?.shardId ?? UNASSIGNED_SHARD;
  }

  /**
   * Loads the map. Calls `done` with undefined on success or with the error of the failed
   * ListShards call. Calls made while a load is running share that load.
   */
  load(done: (error: unknown) => void): void {
    this.waiters.push(done);
    if (this.loading) return;
    this.loading = true;
    this.fetchPage(undefined, []);
  }

  private fetchPage(nextToken: string | undefined, shards: Shard[]): void {
    const input: ListShardsCommandInput =
      nextToken === undefined ? { ...streamParams(this.address) } : { NextToken: nextToken };
    let answer: PromiseLike<{ Shards?: Shard[]; NextToken?: string }>;
    try {
      answer = this.client.send(new ListShardsCommand(input));
    } catch (error) {
      this.finish(error);
      return;
    }
    answer.then(
      (page) => {
        shards.push(...(page.Shards ?? []));
        if (page.NextToken !== undefined && page.NextToken !== '') this.fetchPage(page.NextToken, shards);
        else {
          this.map = ShardMap.fromShards(shards);
          this.loadedAt = this.now();
          this.finish(undefined);
        }
      },
      (error: unknown) => this.finish(error),
    );
  }

  private finish(error: unknown): void {
    this.loading = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(error);
  }
}
