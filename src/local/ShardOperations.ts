import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { AccountShards, type ShardClaim } from './AccountShards.js';
import {
  answerOfSdkError,
  onDemandRefusal,
  resourceInUse,
  shardLimitExceeded,
  type AwsErrorAnswer,
} from './awsErrors.js';
import { streamNotFound } from './efo/fanOutErrors.js';
import type { KinesisFrontServerOptions } from './KinesisFrontServerOptions.js';
import { listShardsPage, parseListShards } from './listShardsPage.js';
import { ShardCountUpdater } from './ShardCountUpdater.js';
import type { ScalingHistory } from './ScalingHistory.js';
import { ON_DEMAND_STREAM_LIMIT, type StreamMode } from './StreamModes.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';
import { parseUpdateShardCount, scalingRefusal } from './updateShardCountRequest.js';
import { isOpen, listAllShards } from './upstreamShards.js';

export interface ShardOperationsOptions extends Pick<
  KinesisFrontServerOptions,
  'admin' | 'region' | 'shardLimit' | 'storedStreams'
> {
  /** Told after each scaling step, so that cached shard maps are dropped. */
  readonly onReshard: (streamName: string) => void;
  /** The stream's capacity mode: on-demand streams are not rescaled by request. */
  readonly modeOf: (streamName: string) => StreamMode;
  /** The status the front shows for a stream the backing store reports in `status`. */
  readonly statusOf: (streamName: string, status: string | undefined) => string | undefined;
  /** The scalings of each stream in the last 24 hours (with `limits` on). */
  readonly scalings: ScalingHistory | undefined;
}

/**
 * The shard operations the front answers itself, from what the backing store lists, since
 * kinesalite lacks them: ListShards (paging and filters), UpdateShardCount (carried out as
 * splits and merges, the stream showing UPDATING meanwhile), DescribeLimits, and the account
 * shard limit.
 */
export class ShardOperations {
  private readonly scaling: ShardCountUpdater;
  private readonly accountShards: AccountShards;

  constructor(private readonly options: ShardOperationsOptions) {
    this.scaling = new ShardCountUpdater(options.admin, options.onReshard);
    this.accountShards = new AccountShards(options.storedStreams, (name) => this.scaling.targetOf(name));
  }

  /** A CreateStream of `shards` shards was accepted: they count against the limit while it is CREATING. */
  noteCreating(streamName: string, shards: number): void {
    this.accountShards.noteCreating(streamName, shards);
  }

  /** A SplitShard was accepted: the shard it opens counts against the limit while it is UPDATING. */
  noteSplit(streamName: string): void {
    this.accountShards.noteSplit(streamName);
  }

  /** Whether UpdateShardCount is under way on the stream. */
  isUpdating(streamName: string): boolean {
    return this.scaling.isUpdating(streamName);
  }

  /** Ends the scaling under way. */
  close(): Promise<void> {
    return this.scaling.close();
  }

  async listShards(payload: JsonObject): Promise<UpstreamAnswer> {
    const now = Date.now();
    const query = parseListShards(payload, now);
    if ('status' in query) return errorAnswer(query);
    try {
      // Kinesis lists the shards of ACTIVE and UPDATING streams only.
      const summary = await this.options.admin.send(
        new DescribeStreamSummaryCommand({ StreamName: query.streamName }),
      );
      const status = this.options.statusOf(query.streamName, summary.StreamDescriptionSummary?.StreamStatus);
      // A StreamCreationTimestamp (or a NextToken) names the stream of that name created then.
      const created = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.getTime();
      if (query.createdAt !== undefined && created !== undefined && !sameSecond(query.createdAt, created)) {
        return errorAnswer(streamNotFound(query.streamName));
      }
      if (status === 'CREATING' || status === 'DELETING') {
        return errorAnswer(resourceInUse(query.streamName, status));
      }
      const shards = await listAllShards(this.options.admin, query.streamName);
      return jsonAnswer(200, listShardsPage(query, shards, now, created));
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }

  async updateShardCount(payload: JsonObject): Promise<UpstreamAnswer> {
    const { admin } = this.options;
    const request = parseUpdateShardCount(payload);
    if ('status' in request) return errorAnswer(request);
    const { streamName, target } = request;
    let current: number;
    let streamArn: string | undefined;
    try {
      const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      const status = summary.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN';
      if (status !== 'ACTIVE' || this.scaling.isUpdating(streamName)) {
        return errorAnswer(
          resourceInUse(streamName, this.scaling.isUpdating(streamName) ? 'UPDATING' : status),
        );
      }
      if (this.options.modeOf(streamName) === 'ON_DEMAND') {
        return errorAnswer(onDemandRefusal('UpdateShardCount', streamName));
      }
      streamArn = summary.StreamDescriptionSummary?.StreamARN;
      current = (await listAllShards(admin, streamName)).filter(isOpen).length;
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
    const refusal = scalingRefusal(streamName, current, target);
    if (refusal !== undefined) return errorAnswer(refusal);
    const overLimit = target > current ? await this.overShardLimit(target - current) : undefined;
    if (overLimit !== undefined) return errorAnswer(overLimit);
    if (target !== current) {
      const { scalings } = this.options;
      const tooOften = scalings?.refusal(streamName);
      if (tooOften !== undefined) return errorAnswer(tooOften);
      scalings?.record(streamName);
      this.scaling.start(streamName, target);
    }
    return jsonAnswer(200, {
      StreamName: streamName,
      CurrentShardCount: current,
      TargetShardCount: target,
      ...(streamArn === undefined ? {} : { StreamARN: streamArn }),
    });
  }

  /** DescribeLimits; `onDemandStreams`: the streams in on-demand mode. */
  async describeLimits(onDemandStreams: number): Promise<UpstreamAnswer> {
    try {
      const open = await this.accountShards.open();
      return jsonAnswer(200, {
        ShardLimit: this.options.shardLimit,
        OpenShardCount: open,
        OnDemandStreamCount: onDemandStreams,
        OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
      });
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }

  /**
   * Checks a CreateStream against the account limit, one at a time: its refusal, or a release to
   * be given the backing store's answer (its shards count against the limit from the check on).
   */
  async claimShards(
    streamName: string,
    shards: number,
  ): Promise<{ readonly refusal: AwsErrorAnswer } | Exclude<ShardClaim, { counted: number }>> {
    const { region, shardLimit } = this.options;
    const claim = await this.accountShards.claim(streamName, shards, shardLimit);
    if ('release' in claim) return claim;
    return { refusal: shardLimitExceeded(region, claim.counted, shardLimit, shards) };
  }

  /** The refusal of a change that would open `additional` shards past the account limit. */
  async overShardLimit(additional: number): Promise<AwsErrorAnswer | undefined> {
    const open = await this.accountShards.counted();
    return open + additional > this.options.shardLimit
      ? shardLimitExceeded(this.options.region, open, this.options.shardLimit, additional)
      : undefined;
  }
}

/** Whether two times (epoch ms) fall in the same second: the backing store dates streams to the second. */
function sameSecond(a: number, b: number): boolean {
  return Math.floor(a / 1000) === Math.floor(b / 1000);
}
