import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { nextScalingStep } from './uniformScalingPlan.js';
import { isOpen, listAllShards } from './upstreamShards.js';

const POLL_MS = 10;

/**
 * Carries out UpdateShardCount (UNIFORM_SCALING) on the backing store, which has only SplitShard
 * and MergeShards: one step at a time, each awaited until the stream is ACTIVE again. While a
 * stream is being scaled it counts as UPDATING. A step that fails ends the scaling where it is.
 */
export class ShardCountUpdater {
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly targets = new Map<string, number>();
  private closing = false;

  constructor(
    private readonly client: KinesisClient,
    /** Told after each step, so that cached shard maps are dropped. */
    private readonly onReshard: (streamName: string) => void,
  ) {}

  isUpdating(streamName: string): boolean {
    return this.jobs.has(streamName);
  }

  /** The open shards a stream being scaled is to have; undefined when it is not being scaled. */
  targetOf(streamName: string): number | undefined {
    return this.targets.get(streamName);
  }

  /** Starts scaling `streamName` to `target` open shards; the caller checked it is not under way. */
  start(streamName: string, target: number): void {
    const job = this.run(streamName, target)
      .catch(() => undefined)
      .finally(() => {
        if (this.jobs.get(streamName) !== job) return;
        this.jobs.delete(streamName);
        this.targets.delete(streamName);
      });
    this.jobs.set(streamName, job);
    this.targets.set(streamName, target);
  }

  /** Stops after the step under way and waits for every job to end. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.jobs.values()]);
  }

  private async run(streamName: string, target: number): Promise<void> {
    while (!this.closing) {
      const open = (await listAllShards(this.client, streamName)).filter(isOpen);
      const step = nextScalingStep(open, target);
      if (step === undefined) return;
      if (step.kind === 'merge') {
        await this.client.send(
          new MergeShardsCommand({
            StreamName: streamName,
            ShardToMerge: step.shardId,
            AdjacentShardToMerge: step.adjacentShardId,
          }),
        );
      } else {
        await this.client.send(
          new SplitShardCommand({
            StreamName: streamName,
            ShardToSplit: step.shardId,
            NewStartingHashKey: step.newStartingHashKey,
          }),
        );
      }
      await this.untilActive(streamName);
      this.onReshard(streamName);
    }
  }

  private async untilActive(streamName: string): Promise<void> {
    for (;;) {
      const summary = await this.client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' || this.closing) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
