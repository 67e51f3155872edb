import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ShardMap } from '../kinesis/ShardMap.js';
import { atTimestampIterator } from './atTimestampIterator.js';
import {
  answerOfSdkError,
  INTERNAL_FAILURE_MESSAGE,
  internalFailure,
  invalidArgument,
  localAccountId,
  readThrottled,
  recordTooLarge,
  requestTooLarge,
  resourceInUse,
  shardLimitExceeded,
  tooManyRecords,
  writeThrottleMessage,
  writeThrottled,
  type AwsErrorAnswer,
} from './awsErrors.js';
import { IteratorRegistry } from './IteratorRegistry.js';
import { epochMs, listShardsPage, parseListShards } from './listShardsPage.js';
import type { LocalKinesisFaults, LocalKinesisLimits } from './LocalKinesisOptions.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import { seededRandom } from './seededRandom.js';
import type { ShardMapCache } from './ShardMapCache.js';
import { ShardCountUpdater } from './ShardCountUpdater.js';
import { ShardReadBudget } from './ShardReadBudget.js';
import { ShardWriteBudget } from './ShardWriteBudget.js';
import { resolveStreamArn } from './streamArn.js';
import { parseUpdateShardCount, scalingRefusal } from './updateShardCountRequest.js';
import { countOpenShards, isOpen, listAllShards } from './upstreamShards.js';

export interface KinesisFrontServerOptions {
  /** Where the backing store (kinesalite) listens. */
  readonly upstream: { readonly host: string; readonly port: number };
  readonly limits: Required<LocalKinesisLimits> | undefined;
  readonly faults: Required<LocalKinesisFaults>;
  readonly clock: () => number;
  readonly shardMaps: ShardMapCache;
  readonly stats: MutableLocalKinesisStats;
  /** A client of the backing store itself (no limits, no faults), for the front's own lookups. */
  readonly admin: KinesisClient;
  /** Region the endpoint reports (in error messages). */
  readonly region: string;
  /** Most open shards over all streams. */
  readonly shardLimit: number;
}

interface UpstreamAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type JsonObject = Record<string, unknown>;

interface PutEntry {
  readonly data: string;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly bytes: number;
}

/** Largest request body read; kinesalite itself refuses bodies over 7 MiB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'expect',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);
const RESHARDING_OPERATIONS = new Set([
  'CreateStream',
  'DeleteStream',
  'SplitShard',
  'MergeShards',
  'UpdateShardCount',
]);

const STATUS_OPERATIONS = new Set(['DescribeStream', 'DescribeStreamSummary']);
const SETTLE_POLL_MS = 10;
const UPSTREAM_TIMEOUT_MS = 60_000;

/**
 * The local endpoint: an HTTP server speaking the Kinesis JSON 1.1 protocol that passes every
 * request to kinesalite, and on the way enforces the Kinesis limits (per-shard write and read
 * rates, request sizes, the account shard limit), answers what kinesalite lacks (StreamARN
 * addressing, UpdateShardCount, DescribeLimits, ListShards paging and filters, AT_TIMESTAMP on
 * a shard with no later record, ChildShards at a shard's end) and injects faults, answering
 * exactly as AWS does.
 */
export class KinesisFrontServer {
  readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly random: () => number;
  private readonly writeBudgets = new Map<string, ShardWriteBudget>();
  private readonly readBudgets = new Map<string, ShardReadBudget>();
  private readonly iterators: IteratorRegistry;
  private readonly scaling: ShardCountUpdater;
  private readonly settling = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: KinesisFrontServerOptions) {
    this.random = seededRandom(options.faults.seed);
    this.iterators = new IteratorRegistry(options.clock);
    this.scaling = new ShardCountUpdater(options.admin, (streamName) => this.forgetStream(streamName, false));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          send(
            res,
            errorAnswer({ ...internalFailure(), message: `${INTERNAL_FAILURE_MESSAGE} ${String(error)}` }),
          );
        } else {
          res.destroy();
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  /** Forgets what is known of a stream's shards (after it was created, deleted or resharded). */
  forgetStream(streamName: string, dropBudgets: boolean): void {
    this.options.shardMaps.invalidate(streamName);
    if (!dropBudgets) return;
    const prefix = `${streamName}\u0000`;
    for (const key of this.writeBudgets.keys()) if (key.startsWith(prefix)) this.writeBudgets.delete(key);
    for (const key of this.readBudgets.keys()) if (key.startsWith(prefix)) this.readBudgets.delete(key);
    this.iterators.forgetStream(streamName);
  }

  /** Stops listening, drops every connection (black-holed ones too) and ends scaling under way. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([
      new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      }),
      this.scaling.close(),
      ...this.settling,
    ]);
    this.agent.destroy();
  }

  /** Forgets the stream again once it is no longer CREATING, UPDATING or DELETING. */
  private forgetWhenSettled(streamName: string, dropBudgets: boolean): void {
    const settle = (async () => {
      while (!this.closing) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
        const status = await this.options.admin
          .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
          .then((summary) => summary.StreamDescriptionSummary?.StreamStatus)
          .catch(() => undefined);
        if (status !== 'CREATING' && status !== 'UPDATING' && status !== 'DELETING') break;
      }
      this.forgetStream(streamName, dropBudgets);
    })();
    this.settling.add(settle);
    void settle.finally(() => this.settling.delete(settle));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'Content-Length': 0 }).end();
      return;
    }
    const { faults, stats } = this.options;
    if (faults.connectionResetRate > 0 && this.random() < faults.connectionResetRate) {
      stats.injectedConnectionResets += 1;
      req.socket.destroy();
      return;
    }
    if (faults.blackHoleRate > 0 && this.random() < faults.blackHoleRate) {
      // Read, never answered: the connection stays open and silent until the client leaves.
      stats.injectedBlackHoles += 1;
      return;
    }
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const isJson = contentType === JSON_CONTENT_TYPE || contentType === 'application/x-amz-json-1.0';
    const dropAnswer = faults.resetAfterWriteRate > 0 && this.random() < faults.resetAfterWriteRate;
    let answer: UpstreamAnswer;
    if (!isJson) {
      answer = await this.forward(req, body);
    } else if (faults.serverErrorRate > 0 && this.random() < faults.serverErrorRate) {
      stats.injectedServerErrors += 1;
      answer = errorAnswer(internalFailure());
    } else {
      answer = await this.dispatch(req, body);
    }
    if (dropAnswer) {
      // The request was carried out; its answer never arrives.
      stats.injectedResetsAfterWrite += 1;
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  private async dispatch(req: IncomingMessage, rawBody: Buffer): Promise<UpstreamAnswer> {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const parsed = parseJsonObject(rawBody);
    if (parsed === undefined) return this.forward(req, rawBody);
    const addressed = resolveStreamArn(operation, parsed);
    if ('error' in addressed) return errorAnswer(addressed.error);
    const payload = addressed.payload;
    const body = payload === parsed ? rawBody : Buffer.from(JSON.stringify(payload));
    const streamName = typeof payload.StreamName === 'string' ? payload.StreamName : undefined;
    switch (operation) {
      case 'PutRecords':
        return this.putRecords(req, body, payload);
      case 'PutRecord':
        return this.putRecord(req, body, payload);
      case 'GetRecords':
        return this.getRecords(req, body, payload);
      case 'GetShardIterator':
        return this.getShardIterator(req, body, payload);
      // Answered here from what the backing store lists; counted as passed on.
      case 'ListShards':
        this.options.stats.forwardedRequests += 1;
        return this.listShards(payload);
      case 'UpdateShardCount':
        this.options.stats.forwardedRequests += 1;
        return this.updateShardCount(payload);
      case 'DescribeLimits':
        this.options.stats.forwardedRequests += 1;
        return this.describeLimits();
      case 'CreateStream': {
        const shards = payload.ShardCount;
        if (typeof shards === 'number' && Number.isInteger(shards) && shards > 0) {
          const refusal = await this.overShardLimit(shards);
          if (refusal !== undefined) return errorAnswer(refusal);
        }
        break;
      }
      case 'SplitShard':
      case 'MergeShards': {
        if (streamName !== undefined && this.scaling.isUpdating(streamName)) {
          return errorAnswer(resourceInUse(streamName, 'UPDATING'));
        }
        if (operation === 'SplitShard') {
          const refusal = await this.overShardLimit(1);
          if (refusal !== undefined) return errorAnswer(refusal);
        }
        break;
      }
      default:
        break;
    }
    const answer = await this.forward(req, body);
    if (streamName !== undefined && RESHARDING_OPERATIONS.has(operation)) {
      const dropBudgets = operation === 'CreateStream' || operation === 'DeleteStream';
      this.forgetStream(streamName, dropBudgets);
      // The change lands after the status delay; a shard map loaded meanwhile is stale then.
      if (answer.status === 200) this.forgetWhenSettled(streamName, dropBudgets);
    }
    if (streamName !== undefined && STATUS_OPERATIONS.has(operation) && this.scaling.isUpdating(streamName)) {
      return withUpdatingStatus(answer);
    }
    return answer;
  }

  private async putRecords(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, faults, stats } = this.options;
    const streamName = streamNameOf(payload);
    const records = payload.Records;
    if (
      (limits === undefined && faults.internalFailureRate === 0) ||
      streamName === undefined ||
      !Array.isArray(records)
    ) {
      return this.forward(req, body);
    }
    const entries = records.map(toPutEntry);
    if (limits !== undefined) {
      let refusal: AwsErrorAnswer | undefined;
      if (records.length > limits.maxRecordsPerRequest) refusal = tooManyRecords(limits.maxRecordsPerRequest);
      else if (!entries.includes(undefined)) {
        const total = entries.reduce((sum, entry) => sum + entry!.bytes, 0);
        const tooLarge = entries.findIndex((entry) => entry!.bytes > limits.maxRecordBytes);
        if (total > limits.maxRequestBytes) refusal = requestTooLarge(limits.maxRequestBytes);
        else if (tooLarge >= 0)
          refusal = recordTooLarge(`records.${tooLarge + 1}.member.data`, limits.maxRecordBytes);
      }
      if (refusal !== undefined) {
        stats.rejectedRequests += 1;
        return errorAnswer(refusal);
      }
    }
    if (entries.length === 0 || entries.includes(undefined)) return this.forward(req, body);
    const shardIds = await this.route(streamName, entries as PutEntry[]);
    if (shardIds === undefined) return this.forward(req, body);

    // Decide every entry: injected failure, throttled, or passed on.
    const now = this.options.clock();
    const failures: Array<{ ErrorCode: string; ErrorMessage: string } | undefined> = [];
    const accepted: unknown[] = [];
    entries.forEach((entry, index) => {
      const shardId = shardIds[index]!;
      if (faults.internalFailureRate > 0 && this.random() < faults.internalFailureRate) {
        stats.injectedInternalFailures += 1;
        failures.push({ ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE });
      } else if (
        limits !== undefined &&
        !this.writeBudget(streamName, shardId).tryConsume(now, entry!.bytes)
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
      const answer = await this.forward(req, Buffer.from(JSON.stringify({ ...payload, Records: accepted })));
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

  private async putRecord(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, stats } = this.options;
    const streamName = streamNameOf(payload);
    const entry = toPutEntry(payload);
    if (limits === undefined || streamName === undefined || entry === undefined) {
      return this.forward(req, body);
    }
    if (entry.bytes > limits.maxRecordBytes) {
      stats.rejectedRequests += 1;
      return errorAnswer(recordTooLarge('data', limits.maxRecordBytes));
    }
    const shardIds = await this.route(streamName, [entry]);
    if (shardIds === undefined) return this.forward(req, body);
    const shardId = shardIds[0]!;
    if (!this.writeBudget(streamName, shardId).tryConsume(this.options.clock(), entry.bytes)) {
      stats.throttledPutRecordCalls += 1;
      return errorAnswer(writeThrottled(streamName, shardId));
    }
    const answer = await this.forward(req, body);
    if (answer.status === 200) stats.acceptedPutEntries += 1;
    return answer;
  }

  private async getRecords(req: IncomingMessage, body: Buffer, payload: JsonObject): Promise<UpstreamAnswer> {
    const { limits, stats, clock } = this.options;
    const iterator = payload.ShardIterator;
    const shard = typeof iterator === 'string' ? this.iterators.lookup(iterator) : undefined;
    if (shard === undefined) return this.forward(req, body);
    const budget = limits === undefined ? undefined : this.readBudget(shard.streamName, shard.shardId);
    if (budget?.tryCall(clock()) !== undefined) {
      stats.throttledGetRecordsCalls += 1;
      return errorAnswer(readThrottled(shard.streamName, shard.shardId));
    }
    const answer = await this.forward(req, body);
    const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
    if (parsed === undefined) return answer;
    if (typeof parsed.NextShardIterator === 'string')
      this.iterators.remember(parsed.NextShardIterator, shard);
    if (budget !== undefined) {
      let bytes = 0;
      for (const record of Array.isArray(parsed.Records) ? parsed.Records : []) {
        const entry = toPutEntry(record);
        if (entry !== undefined) bytes += entry.bytes;
      }
      budget.consumeBytes(clock(), bytes);
    }
    if (typeof parsed.NextShardIterator === 'string') return answer;
    // The end of a closed shard: Kinesis names the shards that continue it.
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
    return jsonAnswer(200, { ...parsed, ChildShards: children }, answer.headers);
  }

  private async getShardIterator(
    req: IncomingMessage,
    body: Buffer,
    payload: JsonObject,
  ): Promise<UpstreamAnswer> {
    const streamName = streamNameOf(payload);
    const shardId = typeof payload.ShardId === 'string' ? normalizeShardId(payload.ShardId) : undefined;
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
      answer = await this.forward(req, body);
    }
    if (answer.status >= 500 && typeof payload.StartingSequenceNumber === 'string') {
      // kinesalite fails on some well-formed but foreign sequence numbers; Kinesis calls them invalid.
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

  private async listShards(payload: JsonObject): Promise<UpstreamAnswer> {
    const now = Date.now();
    const query = parseListShards(payload, now);
    if ('status' in query) return errorAnswer(query);
    try {
      const shards = await listAllShards(this.options.admin, query.streamName);
      return jsonAnswer(200, listShardsPage(query, shards, now));
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }

  private async updateShardCount(payload: JsonObject): Promise<UpstreamAnswer> {
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
      streamArn = summary.StreamDescriptionSummary?.StreamARN;
      current = (await listAllShards(admin, streamName)).filter(isOpen).length;
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
    const refusal = scalingRefusal(streamName, current, target);
    if (refusal !== undefined) return errorAnswer(refusal);
    const overLimit = target > current ? await this.overShardLimit(target - current) : undefined;
    if (overLimit !== undefined) return errorAnswer(overLimit);
    if (target !== current) this.scaling.start(streamName, target);
    return jsonAnswer(200, {
      StreamName: streamName,
      CurrentShardCount: current,
      TargetShardCount: target,
      ...(streamArn === undefined ? {} : { StreamARN: streamArn }),
    });
  }

  private async describeLimits(): Promise<UpstreamAnswer> {
    try {
      const open = await countOpenShards(this.options.admin);
      return jsonAnswer(200, {
        ShardLimit: this.options.shardLimit,
        OpenShardCount: open,
        OnDemandStreamCount: 0,
        OnDemandStreamCountLimit: 50,
      });
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }

  /** The refusal of a change that would open `additional` shards past the account limit. */
  async overShardLimit(additional: number): Promise<AwsErrorAnswer | undefined> {
    const open = await countOpenShards(this.options.admin);
    return open + additional > this.options.shardLimit
      ? shardLimitExceeded(this.options.region, open, this.options.shardLimit, additional)
      : undefined;
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

  private writeBudget(streamName: string, shardId: string): ShardWriteBudget {
    const key = `${streamName}\u0000${shardId}`;
    let budget = this.writeBudgets.get(key);
    if (budget === undefined) {
      const limits = this.options.limits!;
      budget = new ShardWriteBudget(limits.writeRecordsPerSecond, limits.writeBytesPerSecond);
      this.writeBudgets.set(key, budget);
    }
    return budget;
  }

  private readBudget(streamName: string, shardId: string): ShardReadBudget {
    const key = `${streamName}\u0000${shardId}`;
    let budget = this.readBudgets.get(key);
    if (budget === undefined) {
      const limits = this.options.limits!;
      budget = new ShardReadBudget(limits.getRecordsCallsPerSecond, limits.readBytesPerSecond);
      this.readBudgets.set(key, budget);
    }
    return budget;
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
    this.options.stats.forwardedRequests += 1;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: this.options.upstream.host,
          port: this.options.upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent: this.agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 500,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      // The backing store is in-process; a request it leaves unanswered this long is a fault.
      upstream.setTimeout(UPSTREAM_TIMEOUT_MS, () =>
        upstream.destroy(new Error(`the backing store did not answer within ${UPSTREAM_TIMEOUT_MS} ms`)),
      );
      upstream.end(body);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonObject(body: Buffer): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The stream a request names, by StreamName or by StreamARN. */
function streamNameOf(payload: JsonObject): string | undefined {
  if (typeof payload.StreamName === 'string') return payload.StreamName;
  if (typeof payload.StreamARN === 'string') {
    const match = /:stream\/([^/]+)$/.exec(payload.StreamARN);
    return match?.[1];
  }
  return undefined;
}

/** `ShardId` may be given as "shardId-000000000001" or "1"; kinesalite answers with the long form. */
function normalizeShardId(shardId: string): string {
  return /^\d+$/.test(shardId) ? `shardId-${shardId.padStart(12, '0')}` : shardId;
}

/** Reads a record entry (Data as base64, PartitionKey, ExplicitHashKey) and its size in bytes. */
function toPutEntry(value: unknown): PutEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { Data: data, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey } = value as JsonObject;
  // Entries the backing store would refuse are left to it, so that it names their true position.
  if (typeof data !== 'string' || typeof partitionKey !== 'string') return undefined;
  if (partitionKey.length < 1 || partitionKey.length > 256) return undefined;
  if (explicitHashKey !== undefined && explicitHashKey !== null && typeof explicitHashKey !== 'string')
    return undefined;
  return {
    data,
    partitionKey,
    explicitHashKey: typeof explicitHashKey === 'string' ? explicitHashKey : undefined,
    bytes: Buffer.byteLength(data, 'base64') + Buffer.byteLength(partitionKey, 'utf8'),
  };
}

/** A JSON answer as Kinesis gives it (`headers` of an upstream answer are kept, bar the length). */
function jsonAnswer(
  status: number,
  body: unknown,
  headers?: IncomingHttpHeaders,
  errorType?: string,
): UpstreamAnswer {
  const answerHeaders: IncomingHttpHeaders =
    headers === undefined
      ? { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID() }
      : { ...headers };
  if (errorType !== undefined) answerHeaders['x-amzn-errortype'] = errorType;
  return { status, headers: answerHeaders, body: Buffer.from(JSON.stringify(body)) };
}

function errorAnswer(error: AwsErrorAnswer): UpstreamAnswer {
  return jsonAnswer(error.status, { __type: error.type, message: error.message }, undefined, error.type);
}

/** A DescribeStream(Summary) answer showing the stream as UPDATING (while it is being scaled). */
function withUpdatingStatus(answer: UpstreamAnswer): UpstreamAnswer {
  const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
  if (parsed === undefined) return answer;
  for (const key of ['StreamDescription', 'StreamDescriptionSummary']) {
    const description = parsed[key];
    if (typeof description === 'object' && description !== null) {
      (description as JsonObject).StreamStatus = 'UPDATING';
    }
  }
  return jsonAnswer(200, parsed, answer.headers);
}

function send(res: ServerResponse, answer: UpstreamAnswer): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['content-length'] = answer.body.length;
  res.writeHead(answer.status, headers).end(answer.body);
}
