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
import type { ShardMap } from '../kinesis/ShardMap.js';
import {
  INTERNAL_FAILURE_MESSAGE,
  internalFailure,
  readThrottled,
  recordTooLarge,
  requestTooLarge,
  tooManyRecords,
  writeThrottleMessage,
  writeThrottled,
  type AwsErrorAnswer,
} from './awsErrors.js';
import { IteratorRegistry } from './IteratorRegistry.js';
import type { LocalKinesisFaults, LocalKinesisLimits } from './LocalKinesisOptions.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import { seededRandom } from './seededRandom.js';
import type { ShardMapCache } from './ShardMapCache.js';
import { ShardReadBudget } from './ShardReadBudget.js';
import { ShardWriteBudget } from './ShardWriteBudget.js';

export interface KinesisFrontServerOptions {
  /** Where the backing store (kinesalite) listens. */
  readonly upstream: { readonly host: string; readonly port: number };
  readonly limits: Required<LocalKinesisLimits> | undefined;
  readonly faults: Required<LocalKinesisFaults>;
  readonly clock: () => number;
  readonly shardMaps: ShardMapCache;
  readonly stats: MutableLocalKinesisStats;
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

/**
 * The local endpoint: an HTTP server speaking the Kinesis JSON 1.1 protocol that passes every
 * request to kinesalite, and on the way enforces the Kinesis limits (per-shard write and read
 * rates, request sizes) and injects faults, answering exactly as AWS does.
 */
export class KinesisFrontServer {
  readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly random: () => number;
  private readonly writeBudgets = new Map<string, ShardWriteBudget>();
  private readonly readBudgets = new Map<string, ShardReadBudget>();
  private readonly iterators: IteratorRegistry;

  constructor(private readonly options: KinesisFrontServerOptions) {
    this.random = seededRandom(options.faults.seed);
    this.iterators = new IteratorRegistry(options.clock);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          sendError(res, { ...internalFailure(), message: `${INTERNAL_FAILURE_MESSAGE} ${String(error)}` });
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

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.agent.destroy();
    });
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
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));

    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const isJson = contentType === JSON_CONTENT_TYPE || contentType === 'application/x-amz-json-1.0';
    if (!isJson) {
      this.relay(res, await this.forward(req, body));
      return;
    }
    if (faults.serverErrorRate > 0 && this.random() < faults.serverErrorRate) {
      stats.injectedServerErrors += 1;
      sendError(res, internalFailure());
      return;
    }
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const payload = parseJsonObject(body);
    if (payload === undefined) {
      this.relay(res, await this.forward(req, body));
      return;
    }
    switch (operation) {
      case 'PutRecords':
        return this.putRecords(req, res, body, payload);
      case 'PutRecord':
        return this.putRecord(req, res, body, payload);
      case 'GetRecords':
        return this.getRecords(req, res, body, payload);
      case 'GetShardIterator':
        return this.getShardIterator(req, res, body, payload);
      default: {
        const answer = await this.forward(req, body);
        const streamName = streamNameOf(payload);
        if (RESHARDING_OPERATIONS.has(operation) && streamName !== undefined) {
          this.forgetStream(streamName, operation === 'CreateStream' || operation === 'DeleteStream');
        }
        this.relay(res, answer);
      }
    }
  }

  private async putRecords(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    payload: JsonObject,
  ): Promise<void> {
    const { limits, faults, stats } = this.options;
    const streamName = streamNameOf(payload);
    const records = payload.Records;
    if (
      (limits === undefined && faults.internalFailureRate === 0) ||
      streamName === undefined ||
      !Array.isArray(records)
    ) {
      return this.relay(res, await this.forward(req, body));
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
        return sendError(res, refusal);
      }
    }
    if (entries.length === 0 || entries.includes(undefined))
      return this.relay(res, await this.forward(req, body));
    const shardIds = await this.route(streamName, entries as PutEntry[]);
    if (shardIds === undefined) return this.relay(res, await this.forward(req, body));

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
        return this.relay(res, answer);
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
    sendJson(res, 200, { ...extra, FailedRecordCount: failedRecordCount, Records: merged });
  }

  private async putRecord(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    payload: JsonObject,
  ): Promise<void> {
    const { limits, stats } = this.options;
    const streamName = streamNameOf(payload);
    const entry = toPutEntry(payload);
    if (limits === undefined || streamName === undefined || entry === undefined) {
      return this.relay(res, await this.forward(req, body));
    }
    if (entry.bytes > limits.maxRecordBytes) {
      stats.rejectedRequests += 1;
      return sendError(res, recordTooLarge('data', limits.maxRecordBytes));
    }
    const shardIds = await this.route(streamName, [entry]);
    if (shardIds === undefined) return this.relay(res, await this.forward(req, body));
    const shardId = shardIds[0]!;
    if (!this.writeBudget(streamName, shardId).tryConsume(this.options.clock(), entry.bytes)) {
      stats.throttledPutRecordCalls += 1;
      return sendError(res, writeThrottled(streamName, shardId));
    }
    const answer = await this.forward(req, body);
    if (answer.status === 200) stats.acceptedPutEntries += 1;
    this.relay(res, answer);
  }

  private async getRecords(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    payload: JsonObject,
  ): Promise<void> {
    const { limits, stats, clock } = this.options;
    const iterator = payload.ShardIterator;
    const shard =
      limits !== undefined && typeof iterator === 'string' ? this.iterators.lookup(iterator) : undefined;
    if (limits === undefined || shard === undefined) return this.relay(res, await this.forward(req, body));
    const budget = this.readBudget(shard.streamName, shard.shardId);
    if (budget.tryCall(clock()) !== undefined) {
      stats.throttledGetRecordsCalls += 1;
      return sendError(res, readThrottled(shard.streamName, shard.shardId));
    }
    const answer = await this.forward(req, body);
    const parsed = answer.status === 200 ? parseJsonObject(answer.body) : undefined;
    if (parsed !== undefined) {
      if (typeof parsed.NextShardIterator === 'string')
        this.iterators.remember(parsed.NextShardIterator, shard);
      let bytes = 0;
      for (const record of Array.isArray(parsed.Records) ? parsed.Records : []) {
        const entry = toPutEntry(record);
        if (entry !== undefined) bytes += entry.bytes;
      }
      budget.consumeBytes(clock(), bytes);
    }
    this.relay(res, answer);
  }

  private async getShardIterator(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    payload: JsonObject,
  ): Promise<void> {
    const answer = await this.forward(req, body);
    const streamName = streamNameOf(payload);
    if (
      this.options.limits !== undefined &&
      answer.status === 200 &&
      streamName !== undefined &&
      typeof payload.ShardId === 'string'
    ) {
      const parsed = parseJsonObject(answer.body);
      if (parsed !== undefined && typeof parsed.ShardIterator === 'string') {
        this.iterators.remember(parsed.ShardIterator, {
          streamName,
          shardId: normalizeShardId(payload.ShardId),
        });
      }
    }
    this.relay(res, answer);
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
      upstream.end(body);
    });
  }

  private relay(res: ServerResponse, answer: UpstreamAnswer): void {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['content-length'] = answer.body.length;
    res.writeHead(answer.status, headers).end(answer.body);
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

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = Buffer.from(JSON.stringify(body));
  const headers: OutgoingHttpHeaders = {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': text.length,
    'x-amzn-RequestId': randomUUID(),
  };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers).end(text);
}

function sendError(res: ServerResponse, error: AwsErrorAnswer): void {
  sendJson(res, error.status, { __type: error.type, message: error.message }, error.type);
}
