import type { IncomingMessage } from 'node:http';
import type { ShardMap } from '../kinesis/ShardMap.js';
import {
  errorAnswer,
  jsonAnswer,
  parseJsonObject,
  type JsonObject,
  type UpstreamAnswer,
} from './UpstreamAnswer.js';
import {
  INTERNAL_FAILURE_MESSAGE,
  recordTooLarge,
  requestTooLarge,
  writeThrottleMessage,
  writeThrottled,
  type AwsErrorAnswer,
} from './awsErrors.js';
import type { FaultInjector } from './FaultInjector.js';
import type { KinesisFrontServerOptions } from './KinesisFrontServerOptions.js';
import { toPutEntry, type PutEntry } from './putEntry.js';
import { MODEL_WRITE_LIMITS, putRecordModelCheck, putRecordsModelCheck } from './writeRequestModel.js';
import { ShardBudgets } from './ShardBudgets.js';
import { ShardWriteBudget } from './ShardWriteBudget.js';
import { streamNameOf } from './streamArn.js';
import type { UpstreamForwarder } from './UpstreamForwarder.js';

export type ShardWritesOptions = Pick<KinesisFrontServerOptions, 'limits' | 'clock' | 'shardMaps' | 'stats'>;

/**
 * PutRecord and PutRecords through the front: each entry is routed to its shard and charged to
 * that shard's write budget; the request and record size limits are enforced, and entries over
 * budget (or meeting an injected failure) fail on their own while the rest are passed on.
 */
export class ShardWrites {
  private readonly budgets: ShardBudgets<ShardWriteBudget>;

  constructor(
    private readonly options: ShardWritesOptions,
    private readonly faults: FaultInjector,
    private readonly upstream: UpstreamForwarder,
  ) {
    this.budgets = new ShardBudgets(() => {
      const limits = this.options.limits!;
      return new ShardWriteBudget(limits.writeRecordsPerSecond, limits.writeBytesPerSecond);
    });
  }

  /** Drops the write budgets of a stream's shards. */
  forgetStream(streamName: string): void {
    this.budgets.forgetStream(streamName);
  }

  async putRecords(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, stats } = this.options;
    const streamName = streamNameOf(payload);
    const records = payload.Records;
    // The model check comes first, as on AWS, with limits or without: every broken constraint in
    // one answer, worded as the backing store words it (whose own check lets a few bad
    // ExplicitHashKeys by, such as "01").
    const model = putRecordsModelCheck(payload, limits ?? MODEL_WRITE_LIMITS);
    if (model.outcome === 'unchecked') return this.upstream.forward(req, body);
    if (model.outcome === 'refused') {
      if (model.overLimit && limits !== undefined) stats.rejectedRequests += 1;
      return errorAnswer(model.refusal);
    }
    if (limits === undefined && !this.faults.failsEntries) return this.upstream.forward(req, body);
    if (streamName === undefined || !Array.isArray(records)) return this.upstream.forward(req, body);
    const entries = records.map(toPutEntry);
    if (limits !== undefined && !entries.includes(undefined)) {
      let refusal: AwsErrorAnswer | undefined;
      const total = entries.reduce((sum, entry) => sum + entry!.bytes, 0);
      const tooLarge = entries.findIndex((entry) => entry!.bytes > limits.maxRecordBytes);
      if (total > limits.maxRequestBytes) refusal = requestTooLarge(limits.maxRequestBytes);
      else if (tooLarge >= 0)
        refusal = recordTooLarge(
          `records.${tooLarge + 1}.member.data`,
          entries[tooLarge]!,
          limits.maxRecordBytes,
        );
      if (refusal !== undefined) {
        stats.rejectedRequests += 1;
        return errorAnswer(refusal);
      }
    }
    if (entries.length === 0 || entries.includes(undefined)) return this.upstream.forward(req, body);
    const shardIds = await this.route(streamName, entries as PutEntry[]);
    if (shardIds === undefined) return this.upstream.forward(req, body);

    // Decide every entry: injected failure, throttled, or passed on.
    const now = this.options.clock();
    const failures: Array<{ ErrorCode: string; ErrorMessage: string } | undefined> = [];
    const accepted: unknown[] = [];
    entries.forEach((entry, index) => {
      const shardId = shardIds[index]!;
      if (this.faults.failsEntry()) {
        failures.push({ ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE });
      } else if (
        limits !== undefined &&
        !this.budgets.get(streamName, shardId).tryConsume(now, entry!.bytes)
      ) {
        stats.throttledPutEntries += 1;
        failures.push({
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: writeThrottleMessage(streamName, shardId),
        });
      } else {
        failures.push(undefined);
        accepted.push(records[index]);
      }
    });

    let upstreamRecords: unknown[] = [];
    let upstreamFailed = 0;
    let extra: JsonObject = {};
    if (accepted.length > 0) {
      const answer = await this.upstream.forward(
        req,
        Buffer.from(JSON.stringify({ ...payload, Records: accepted })),
      );
      const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
      if (
        parsed === undefined ||
        !Array.isArray(parsed.Records) ||
        parsed.Records.length !== accepted.length
      ) {
        return answer;
      }
      stats.acceptedPutEntries += accepted.length;
      const { Records: stored, FailedRecordCount: failedCount, ...rest } = parsed;
      upstreamRecords = stored as unknown[];
      upstreamFailed = typeof failedCount === 'number' ? failedCount : 0;
      extra = rest;
    }
    let next = 0;
    const merged = failures.map((failure) => failure ?? upstreamRecords[next++]);
    const failedRecordCount = failures.filter((failure) => failure !== undefined).length + upstreamFailed;
    return jsonAnswer(200, { ...extra, FailedRecordCount: failedRecordCount, Records: merged });
  }

  async putRecord(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, stats } = this.options;
    const streamName = streamNameOf(payload);
    const model = putRecordModelCheck(payload, limits ?? MODEL_WRITE_LIMITS);
    if (model.outcome === 'unchecked') return this.upstream.forward(req, body);
    if (model.outcome === 'refused') {
      if (model.overLimit && limits !== undefined) stats.rejectedRequests += 1;
      return errorAnswer(model.refusal);
    }
    if (limits === undefined) return this.upstream.forward(req, body);
    const entry = toPutEntry(payload);
    if (streamName === undefined || entry === undefined) return this.upstream.forward(req, body);
    if (entry.bytes > limits.maxRecordBytes) {
      stats.rejectedRequests += 1;
      return errorAnswer(recordTooLarge('data', entry, limits.maxRecordBytes));
    }
    const shardIds = await this.route(streamName, [entry]);
    if (shardIds === undefined) return this.upstream.forward(req, body);
    const shardId = shardIds[0]!;
    if (!this.budgets.get(streamName, shardId).tryConsume(this.options.clock(), entry.bytes)) {
      stats.throttledPutRecordCalls += 1;
      return errorAnswer(writeThrottled(streamName, shardId));
    }
    const answer = await this.upstream.forward(req, body);
    if (answer.status === 200) stats.acceptedPutEntries += 1;
    return answer;
  }

  /** The shard of each entry, reloading the shard map once on a miss; undefined if unroutable. */
  private async route(streamName: string, entries: readonly PutEntry[]): Promise<string[] | undefined> {
    const lookup = (map: ShardMap | undefined): string[] | undefined => {
      if (map === undefined) return undefined;
      const shardIds: string[] = [];
      for (const entry of entries) {
        let shardId: string | undefined;
        try {
          shardId = map.findShard(entry.partitionKey, entry.explicitHashKey)?.shardId;
        } catch {
          return undefined;
        }
        if (shardId === undefined) return undefined;
        shardIds.push(shardId);
      }
      return shardIds;
    };
    return (
      lookup(await this.options.shardMaps.get(streamName)) ??
      lookup(await this.options.shardMaps.refresh(streamName))
    );
  }
}
