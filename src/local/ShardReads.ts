import type { IncomingMessage } from 'node:http';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-kinesis';
import { atTimestampIterator } from './atTimestampIterator.js';
import {
  answerOfSdkError,
  invalidArgument,
  localAccountId,
  readThrottled,
  iteratorThrottled,
} from './awsErrors.js';
import { CallRateWindow } from './CallRateWindow.js';
import { encodesNoShard } from './encodesNoShard.js';
import { shardNotFound } from './efo/fanOutErrors.js';
import type { KinesisFrontServerOptions } from './KinesisFrontServerOptions.js';
import { IteratorRegistry, type IteratorShard } from './IteratorRegistry.js';
import { epochMs } from './listShardsPage.js';
import { toPutEntry } from './putEntry.js';
import { ShardBudgets } from './ShardBudgets.js';
import { ShardReadBudget } from './ShardReadBudget.js';
import { storeShardId } from './storeShardId.js';
import { streamNameOf } from './streamArn.js';
import {
  errorAnswer,
  jsonAnswer,
  parseJsonObject,
  type JsonObject,
  type UpstreamAnswer,
} from './UpstreamAnswer.js';
import type { UpstreamForwarder } from './UpstreamForwarder.js';
import { listAllShards } from './upstreamShards.js';

/** Most records one GetRecords call asks for. */
const MAX_LIMIT = 10_000;
/** Most bytes (data + partition keys) one GetRecords answer holds. */
const MAX_PAGE_BYTES = 10 * 1024 * 1024;

export type ShardReadsOptions = Pick<KinesisFrontServerOptions, 'limits' | 'clock' | 'stats' | 'admin'>;

/**
 * GetShardIterator and GetRecords through the front: learns which shard each iterator reads,
 * charges GetRecords to that shard's read budget, answers AT_TIMESTAMP on a shard with no later
 * record, and names the ChildShards at the end of a closed shard.
 */
export class ShardReads {
  private readonly budgets: ShardBudgets<ShardReadBudget>;
  private readonly iterators: IteratorRegistry;
  private readonly iteratorCalls: ShardBudgets<CallRateWindow>;

  constructor(
    private readonly options: ShardReadsOptions,
    private readonly upstream: UpstreamForwarder,
  ) {
    // Iterators expire in the backing store after 5 minutes of real time, whatever `clock` says.
    this.iterators = new IteratorRegistry(Date.now);
    this.budgets = new ShardBudgets(() => {
      const limits = this.options.limits!;
      return new ShardReadBudget(limits.getRecordsCallsPerSecond, limits.readBytesPerSecond);
    });
    this.iteratorCalls = new ShardBudgets(
      () => new CallRateWindow(this.options.limits!.getShardIteratorCallsPerSecond),
    );
  }

  /** Drops the read budgets of a stream's shards and forgets its iterators. */
  forgetStream(streamName: string): void {
    this.budgets.forgetStream(streamName);
    this.iteratorCalls.forgetStream(streamName);
    this.iterators.forgetStream(streamName);
  }

  /** The stream a shard iterator handed out by the front reads, if known. */
  streamOfIterator(iterator: unknown): string | undefined {
    return typeof iterator === 'string' ? this.iterators.lookup(iterator)?.streamName : undefined;
  }

  async getRecords(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, stats, clock } = this.options;
    const iterator = payload.ShardIterator;
    const shard = typeof iterator === 'string' ? this.iterators.lookup(iterator) : undefined;
    if (shard === undefined && typeof iterator === 'string') {
      const gone = this.iterators.retired(iterator);
      if (gone !== undefined) {
        // An iterator of a deleted stream: the backing store reads a stream by its name, and would
        // read a new stream of that name through it. Kinesis knows the stream it was made for
        // (and may still serve reads while it is DELETING).
        const answer = await this.upstream.forward(req, body);
        if (answer.status !== 200) return answer;
        if (!(await this.isDeleting(gone.streamName)))
          return errorAnswer(shardNotFound(gone.streamName, gone.shardId));
        // Its next iterator is the deleted stream's too.
        const next = parseJsonObject(answer.body)?.NextShardIterator;
        if (typeof next === 'string') this.iterators.remember(next, gone, true);
        return answer;
      }
    }
    // A request the backing store refuses as invalid is not a call on the shard's budget.
    if (shard === undefined || !validLimit(payload.Limit)) return this.upstream.forward(req, body);
    const budget = limits === undefined ? undefined : this.budgets.get(shard.streamName, shard.shardId);
    if (budget?.tryCall(clock()) !== undefined) {
      stats.throttledGetRecordsCalls += 1;
      return errorAnswer(readThrottled(shard.streamName, shard.shardId));
    }
    const answer = await this.upstream.forward(req, body);
    const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
    if (parsed === undefined) return answer;
    const page = await this.sizedPage(
      shard,
      parsed,
      typeof payload.Limit === 'number' ? payload.Limit : MAX_LIMIT,
    );
    if (typeof page.NextShardIterator === 'string') this.iterators.remember(page.NextShardIterator, shard);
    if (budget !== undefined) {
      let bytes = 0;
      for (const record of Array.isArray(page.Records) ? page.Records : []) {
        const entry = toPutEntry(record);
        if (entry !== undefined) bytes += entry.bytes;
      }
      budget.consumeBytes(clock(), bytes);
    }
    if (typeof page.NextShardIterator === 'string') {
      return page === parsed ? answer : jsonAnswer(200, page, answer.headers);
    }
    // The end of a closed shard: Kinesis names the shards that continue it, and nothing is left
    // to read behind it (kinesalite counts the time since the shard closed).
    const shards = await listAllShards(this.options.admin, shard.streamName);
    const children = shards
      .filter(
        (child) => child.ParentShardId === shard.shardId || child.AdjacentParentShardId === shard.shardId,
      )
      .map((child) => ({
        ShardId: child.ShardId,
        ParentShards: [child.ParentShardId, child.AdjacentParentShardId].filter(
          (id): id is string => typeof id === 'string',
        ),
        HashKeyRange: child.HashKeyRange,
      }));
    return jsonAnswer(200, { ...page, MillisBehindLatest: 0, ChildShards: children }, answer.headers);
  }

  /** Whether the stream of that name is being deleted (so it is the one an old iterator read). */
  private async isDeleting(streamName: string): Promise<boolean> {
    try {
      const summary = await this.options.admin.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      return summary.StreamDescriptionSummary?.StreamStatus === 'DELETING';
    } catch {
      return false;
    }
  }

  /**
   * A GetRecords answer of the backing store as AWS sizes and dates it: at most 10 MiB of
   * records (the rest left for the next call, from an iterator after the last record returned),
   * and MillisBehindLatest counted from the oldest record left unread (kinesalite says 0 on an
   * open shard). `limit`: the records the call asked for at most.
   */
  private async sizedPage(shard: IteratorShard, parsed: JsonObject, limit: number): Promise<JsonObject> {
    const records = (Array.isArray(parsed.Records) ? parsed.Records : []) as JsonObject[];
    const next = parsed.NextShardIterator;
    if (records.length === 0 || typeof next !== 'string') return parsed;
    let kept = 0;
    let bytes = 0;
    for (const record of records) {
      const size = toPutEntry(record)?.bytes ?? 0;
      if (kept > 0 && bytes + size > MAX_PAGE_BYTES) break;
      bytes += size;
      kept += 1;
    }
    const { admin } = this.options;
    let page = parsed;
    let unread: number | undefined;
    try {
      if (kept < records.length) {
        const last = String(records[kept - 1]!.SequenceNumber);
        const after = await admin.send(
          new GetShardIteratorCommand({
            StreamName: shard.streamName,
            ShardId: shard.shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            StartingSequenceNumber: last,
          }),
        );
        page = { ...parsed, Records: records.slice(0, kept), NextShardIterator: after.ShardIterator };
        unread = epochMs(records[kept]!.ApproximateArrivalTimestamp);
      } else if (records.length >= limit) {
        const peek = await admin.send(new GetRecordsCommand({ ShardIterator: next, Limit: 1 }));
        unread = peek.Records?.[0]?.ApproximateArrivalTimestamp?.getTime();
      }
    } catch {
      // The stream went away meanwhile: the page is answered as the store gave it.
      return parsed;
    }
    if (unread === undefined) return page;
    const behind = Math.max(0, Date.now() - unread);
    const reported = typeof page.MillisBehindLatest === 'number' ? page.MillisBehindLatest : 0;
    return behind > reported ? { ...page, MillisBehindLatest: behind } : page;
  }

  async getShardIterator(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const streamName = streamNameOf(payload);
    const shardId = typeof payload.ShardId === 'string' ? normalizeShardId(payload.ShardId) : undefined;
    const { limits, clock, stats } = this.options;
    // A malformed request is refused by the backing store before any rate applies.
    const calls =
      limits === undefined ||
      streamName === undefined ||
      shardId === undefined ||
      !wellFormedIterator(payload)
        ? undefined
        : this.iteratorCalls.get(streamName, shardId);
    const calledAt = clock();
    if (calls !== undefined && !calls.tryCall(calledAt)) {
      stats.throttledGetShardIteratorCalls += 1;
      return errorAnswer(iteratorThrottled(streamName!, shardId!));
    }
    const answer = await this.iteratorAnswer(req, body, payload, streamName, shardId);
    // A call refused as invalid is not counted against the shard's rate (as on AWS).
    if (answer.status === 400 && isInputRefusal(answer)) calls?.giveBack(calledAt);
    return answer;
  }

  private async iteratorAnswer(
    req: IncomingMessage,
    body: Buffer,
    payload: JsonObject,
    streamName: string | undefined,
    shardId: string | undefined,
  ): Promise<UpstreamAnswer> {
    let answer: UpstreamAnswer;
    const timestamp = epochMs(payload.Timestamp);
    if (
      payload.ShardIteratorType === 'AT_TIMESTAMP' &&
      streamName !== undefined &&
      shardId !== undefined &&
      timestamp !== undefined &&
      payload.StartingSequenceNumber === undefined &&
      timestamp <= Date.now()
    ) {
      // kinesalite never answers when no record is at or after the timestamp.
      this.options.stats.forwardedRequests += 1;
      try {
        const iterator = await atTimestampIterator(this.options.admin, streamName, shardId, timestamp);
        answer = jsonAnswer(200, { ShardIterator: iterator });
      } catch (error) {
        return errorAnswer(answerOfSdkError(error));
      }
    } else {
      answer = await this.upstream.forward(req, body);
    }
    if (
      typeof payload.StartingSequenceNumber === 'string' &&
      (answer.status >= 500 || encodesNoShard(answer.status, parseJsonObject(answer.body)?.message))
    ) {
      // kinesalite fails on some well-formed but foreign sequence numbers, or reads a shard id
      // that cannot be out of them; Kinesis calls them invalid.
      return errorAnswer(
        invalidArgument(
          `StartingSequenceNumber ${payload.StartingSequenceNumber} used in GetShardIterator on shard ${String(
            shardId,
          )} in stream ${String(streamName)} under account ${localAccountId()} is invalid.`,
        ),
      );
    }
    if (answer.status === 200 && streamName !== undefined && shardId !== undefined) {
      const parsed = parseJsonObject(answer.body);
      if (parsed !== undefined && typeof parsed.ShardIterator === 'string') {
        this.iterators.remember(parsed.ShardIterator, { streamName, shardId });
      }
    }
    return answer;
  }
}

/** Whether an error answer refuses the request's input (not the stream's state or the rate). */
function isInputRefusal(answer: UpstreamAnswer): boolean {
  const type = String(parseJsonObject(answer.body)?.__type ?? '');
  return /(ValidationException|InvalidArgumentException|SerializationException)$/.test(type);
}

const ITERATOR_TYPES = new Set([
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
]);

/** Whether a GetShardIterator request passes the API's own validation (type, sequence number form). */
function wellFormedIterator(payload: JsonObject): boolean {
  const sequenceNumber = payload.StartingSequenceNumber;
  return (
    typeof payload.ShardIteratorType === 'string' &&
    ITERATOR_TYPES.has(payload.ShardIteratorType) &&
    (sequenceNumber === undefined ||
      sequenceNumber === null ||
      (typeof sequenceNumber === 'string' && /^(0|[1-9]\d{0,128})$/.test(sequenceNumber)))
  );
}

/** GetRecords' Limit: absent, or an integer from 1 to 10,000. */
function validLimit(limit: unknown): boolean {
  return (
    limit === undefined ||
    limit === null ||
    (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)
  );
}

/**
 * `ShardId` may be given as "shardId-000000000001", "shardId-1" or "1" (Kinesis reads the number
 * after the dash); kinesalite answers with the long form, so budgets, iterators and refusals use it.
 */
function normalizeShardId(shardId: string): string {
  return storeShardId(shardId) ?? shardId;
}
