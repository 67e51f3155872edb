import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import {
  answerOfSdkError,
  consumersRegistered,
  INTERNAL_FAILURE_MESSAGE,
  internalFailure,
  invalidArgument,
  resourceInUse,
  type AwsErrorAnswer,
} from './awsErrors.js';
import { CBOR_CONTENT_TYPE, cborAnswer, jsonOfCborRequest } from './cborExchange.js';
import { ControlPlaneThrottle } from './ControlPlaneThrottle.js';
import { isControlPlaneOperation } from './controlPlaneLimits.js';
import { applyCors } from './cors.js';
import { FaultInjector } from './FaultInjector.js';
import { FrontListener } from './FrontListener.js';
import { readRequestBody, sendAnswer } from './frontHttp.js';
import type { KinesisFrontServerOptions } from './KinesisFrontServerOptions.js';
import { BackingStoreJson } from './efo/BackingStoreJson.js';
import { EnhancedMonitoring } from './EnhancedMonitoring.js';
import { EnhancedFanOut, type SubscriptionFilter, type SubscriptionInfo } from './efo/EnhancedFanOut.js';
import { listStreamsPage, parseListStreams } from './listStreamsPage.js';
import { ShardOperations } from './ShardOperations.js';
import { ShardReads } from './ShardReads.js';
import { ShardWrites } from './ShardWrites.js';
import { requestAuthRefusal } from './requestAuth.js';
import { ResourceTags, TAG_OPERATIONS } from './ResourceTags.js';
import { parseTagMap } from './tagRequests.js';
import { resolveStreamArn } from './streamArn.js';
import { CreationTags } from './CreationTags.js';
import { describedStream } from './streamDescription.js';
import { createStreamRequest } from './streamModeRequest.js';
import { StreamModeOperations } from './StreamModeOperations.js';
import type { StreamMode } from './StreamModes.js';
import { StreamRetention } from './StreamRetention.js';
import { StreamSettleWatcher } from './StreamSettleWatcher.js';
import {
  errorAnswer,
  JSON_CONTENT_TYPE,
  jsonAnswer,
  parseJsonObject,
  type JsonObject,
  type UpstreamAnswer,
} from './UpstreamAnswer.js';
import { UpstreamForwarder } from './UpstreamForwarder.js';

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
 * rates, request sizes, the account shard limit), answers what kinesalite lacks (StreamARN
 * addressing, UpdateShardCount, DescribeLimits, ListShards paging and filters, AT_TIMESTAMP on
 * a shard with no later record, ChildShards at a shard's end, capacity modes, ListStreams and
 * DescribeStream paging, consumer counts) and injects faults, answering exactly as AWS does.
 */
export class KinesisFrontServer {
  /** Listens for HTTP/1.1 and cleartext HTTP/2 connections on one port. */
  readonly server: Server;
  private readonly listener: FrontListener;
  private readonly upstream: UpstreamForwarder;
  private readonly faults: FaultInjector;
  private readonly writes: ShardWrites;
  private readonly reads: ShardReads;
  private readonly operations: ShardOperations;
  private readonly modes: StreamModeOperations;
  private readonly retention: StreamRetention;
  private readonly monitoring: EnhancedMonitoring;
  private readonly creationTags: CreationTags;
  private readonly tags: ResourceTags;
  private readonly settling: StreamSettleWatcher;
  private readonly store: BackingStoreJson;
  private readonly fanOut: EnhancedFanOut;
  private readonly controlPlane: ControlPlaneThrottle | undefined;

  constructor(private readonly options: KinesisFrontServerOptions) {
    this.upstream = new UpstreamForwarder(options.upstream, options.stats);
    this.faults = new FaultInjector(options.faults, options.stats);
    this.writes = new ShardWrites(options, this.faults, this.upstream);
    this.reads = new ShardReads(options, this.upstream);
    this.operations = new ShardOperations({
      admin: options.admin,
      region: options.region,
      shardLimit: options.shardLimit,
      onReshard: (streamName) => this.forgetStream(streamName, false),
    });
    this.modes = new StreamModeOperations({
      admin: options.admin,
      statusDelayMs: options.streamStatusDelayMs,
      isBusy: (streamName) => this.operations.isUpdating(streamName),
    });
    this.retention = new StreamRetention(options.admin);
    this.tags = new ResourceTags({
      admin: options.admin,
      hasConsumer: (consumerArn) => this.fanOut.hasConsumer(consumerArn),
    });
    this.creationTags = new CreationTags((streamName, tags) => this.tags.tagStream(streamName, tags));
    this.monitoring = new EnhancedMonitoring(options.admin);
    this.settling = new StreamSettleWatcher(options.admin, (streamName, dropBudgets) =>
      this.forgetStream(streamName, dropBudgets),
    );
    this.store = new BackingStoreJson(options.upstream, options.region);
    this.fanOut = new EnhancedFanOut({
      store: this.store,
      admin: options.admin,
      stats: options.stats,
      clock: options.clock,
      limits: options.limits,
      efo: options.efo,
      faults: this.faults,
      dropConnection: (res) => this.listener.dropConnection(res),
    });
    this.controlPlane =
      options.limits === undefined
        ? undefined
        : new ControlPlaneThrottle(options.limits.controlPlaneCallsPerSecond, options.clock);
    this.listener = new FrontListener((req, res) => {
      if (applyCors(options.cors, req, res)) return;
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed && !res.writableEnded) {
          sendAnswer(
            res,
            errorAnswer({ ...internalFailure(), message: `${INTERNAL_FAILURE_MESSAGE} ${String(error)}` }),
          );
        } else {
          res.destroy();
        }
      });
    });
    this.server = this.listener.server;
  }

  /** Forgets what is known of a stream's shards (after it was created, deleted or resharded). */
  forgetStream(streamName: string, dropBudgets: boolean): void {
    this.options.shardMaps.invalidate(streamName);
    if (!dropBudgets) return;
    this.fanOut.forgetStream(streamName);
    this.writes.forgetStream(streamName);
    this.reads.forgetStream(streamName);
  }

  /** Records the capacity mode of a stream created (or, undefined, deleted) without the front. */
  recordStream(streamName: string, mode: StreamMode | undefined): void {
    this.modes.record(streamName, mode);
    this.tags.forgetStream(streamName);
    this.retention.forget(streamName);
    this.monitoring.forget(streamName);
  }

  /** The open SubscribeToShard subscriptions matching `filter`. */
  subscriptions(filter?: SubscriptionFilter): SubscriptionInfo[] {
    return this.fanOut.subscriptions(filter);
  }

  /** Drops the connection of each matching SubscribeToShard subscription; returns how many. */
  dropSubscriptions(filter?: SubscriptionFilter): number {
    return this.fanOut.dropSubscriptions(filter);
  }

  /** Makes each matching SubscribeToShard subscription fall silent (half-open); returns how many. */
  silenceSubscriptions(filter?: SubscriptionFilter): number {
    return this.fanOut.silenceSubscriptions(filter);
  }

  /** Stops listening, drops every connection (black-holed ones too) and ends scaling under way. */
  async close(): Promise<void> {
    await Promise.all([
      this.fanOut.close(),
      this.listener.close(),
      this.operations.close(),
      this.settling.close(),
    ]);
    this.upstream.close();
    this.store.close();
  }

  /** The refusal of a change that would open `additional` shards past the account limit. */
  overShardLimit(additional: number): Promise<AwsErrorAnswer | undefined> {
    return this.operations.overShardLimit(additional);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readRequestBody(req);
    if (rawBody === undefined) {
      res.writeHead(413, { 'Content-Length': 0 }).end();
      return;
    }
    if (await this.faults.intercept(req)) return;

    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const isCbor = contentType === CBOR_CONTENT_TYPE;
    const isJson =
      isCbor || contentType === JSON_CONTENT_TYPE || contentType === 'application/x-amz-json-1.0';
    let body = rawBody;
    if (isCbor) {
      // Translated to the JSON protocol: the rest of the front, and kinesalite, see JSON only.
      const json = jsonOfCborRequest(rawBody);
      if (json === undefined) {
        // Not a CBOR map: the backing store refuses it in the AWS words (and in CBOR).
        sendAnswer(res, await this.upstream.forward(req, rawBody));
        return;
      }
      body = Buffer.from(JSON.stringify(json));
      req.headers['content-type'] = JSON_CONTENT_TYPE;
    }
    const dropAnswer = this.faults.losesAnswer();
    // Unsigned requests are refused before anything is charged or answered (kinesalite would
    // refuse the ones it answers, but not the ones the front answers itself).
    const unsigned = isJson ? requestAuthRefusal(req) : undefined;
    let answer: UpstreamAnswer;
    if (!isJson) {
      answer = await this.upstream.forward(req, body);
    } else if (unsigned !== undefined) {
      answer = errorAnswer(unsigned);
    } else if (this.faults.failsRequest()) {
      answer = errorAnswer(internalFailure());
    } else {
      const throttled = this.throttled(req, body);
      if (throttled !== undefined) {
        answer = errorAnswer(throttled);
      } else if (operationOf(req) === 'SubscribeToShard') {
        // An event stream, answered by the front itself (the backing store has no fan-out).
        this.options.stats.forwardedRequests += 1;
        const refusal = await this.fanOut.subscribe(
          res,
          parseJsonObject(body) ?? {},
          isCbor ? 'cbor' : 'json',
        );
        if (refusal === undefined) return;
        answer = refusal;
      } else {
        answer = await this.dispatch(req, body);
      }
    }
    if (dropAnswer) {
      this.faults.dropAnswer(req);
      return;
    }
    sendAnswer(res, isCbor ? cborAnswer(answer) : answer);
  }

  /** The refusal of a control-plane call over its calls per second (with `limits` on). */
  private throttled(req: IncomingMessage, body: Buffer): AwsErrorAnswer | undefined {
    const operation = operationOf(req);
    if (this.controlPlane === undefined || !isControlPlaneOperation(operation)) return undefined;
    const refusal = this.controlPlane.refusal(operation, parseJsonObject(body) ?? {});
    if (refusal !== undefined) this.options.stats.throttledControlPlaneCalls += 1;
    return refusal;
  }

  private async dispatch(req: IncomingMessage, rawBody: Buffer): Promise<UpstreamAnswer> {
    const operation = operationOf(req);
    const parsed = parseJsonObject(rawBody);
    if (parsed === undefined) return this.upstream.forward(req, rawBody);
    if (this.fanOut.answers(operation)) {
      // Stream consumers (enhanced fan-out), kept by the front: kinesalite has none.
      this.options.stats.forwardedRequests += 1;
      return this.fanOut.answer(operation, parsed);
    }
    const addressed = resolveStreamArn(operation, parsed);
    if ('error' in addressed) return errorAnswer(addressed.error);
    let payload = addressed.payload;
    if (TAG_OPERATIONS.has(operation)) {
      // Tags of streams and consumers, kept by the front with the AWS limits.
      this.options.stats.forwardedRequests += 1;
      return this.tags.answer(operation, payload);
    }
    const streamName = typeof payload.StreamName === 'string' ? payload.StreamName : undefined;
    let createdMode: StreamMode | undefined;
    if (operation === 'CreateStream') {
      if (payload.Tags !== undefined && payload.Tags !== null) {
        const tags = parseTagMap(payload.Tags);
        if ('error' in tags) return errorAnswer(tags.error);
      }
      const create = createStreamRequest(payload);
      if ('status' in create) return errorAnswer(create);
      payload = create.payload;
      createdMode = create.mode;
    }
    const body =
      payload === parsed && createdMode === undefined ? rawBody : Buffer.from(JSON.stringify(payload));
    switch (operation) {
      case 'PutRecords':
        return this.writes.putRecords(req, body, payload);
      case 'PutRecord':
        return this.writes.putRecord(req, body, payload);
      case 'GetRecords':
        return this.reads.getRecords(req, body, payload);
      case 'GetShardIterator':
        return this.reads.getShardIterator(req, body, payload);
      // Answered here from what the backing store lists; counted as passed on.
      case 'ListShards':
        this.options.stats.forwardedRequests += 1;
        if (parsed.StreamARN !== undefined && parsed.NextToken !== undefined) {
          return errorAnswer(invalidArgument('NextToken and StreamARN cannot be provided together.'));
        }
        return this.operations.listShards(payload);
      case 'UpdateShardCount':
        this.options.stats.forwardedRequests += 1;
        if (streamName !== undefined && this.modes.isUpdating(streamName)) {
          return errorAnswer(resourceInUse(streamName, 'UPDATING'));
        }
        return this.operations.updateShardCount(payload);
      case 'DescribeLimits':
        this.options.stats.forwardedRequests += 1;
        return this.operations.describeLimits(this.modes.onDemandCount);
      case 'ListStreams':
        this.options.stats.forwardedRequests += 1;
        return this.listStreams(req, body, payload);
      case 'IncreaseStreamRetentionPeriod':
      case 'DecreaseStreamRetentionPeriod': {
        const step = await this.retention.change(operation, payload);
        if ('answer' in step) {
          this.options.stats.forwardedRequests += 1;
          return step.answer;
        }
        const answer = await this.upstream.forward(
          req,
          step.forward === payload ? body : Buffer.from(JSON.stringify(step.forward)),
        );
        if (answer.status === 200) step.onSuccess?.();
        return answer;
      }
      case 'EnableEnhancedMonitoring':
      case 'DisableEnhancedMonitoring':
        this.options.stats.forwardedRequests += 1;
        return this.monitoring.change(operation === 'EnableEnhancedMonitoring', payload);
      case 'UpdateStreamMode':
        this.options.stats.forwardedRequests += 1;
        // UpdateStreamMode names its stream by ARN only.
        return this.modes.updateStreamMode(typeof parsed.StreamARN === 'string' ? payload : {});
      case 'CreateStream': {
        const shards = payload.ShardCount;
        if (typeof shards === 'number' && Number.isInteger(shards) && shards > 0) {
          const refusal = await this.overShardLimit(shards);
          if (refusal !== undefined) return errorAnswer(refusal);
        }
        break;
      }
      case 'DeleteStream':
        if (
          streamName !== undefined &&
          payload.EnforceConsumerDeletion !== true &&
          this.fanOut.consumerCount(streamName) > 0
        ) {
          return errorAnswer(consumersRegistered(streamName));
        }
        break;
      case 'SplitShard':
      case 'MergeShards': {
        if (streamName !== undefined && this.isUpdating(streamName)) {
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
    const answer = await this.upstream.forward(req, body);
    if (streamName !== undefined) this.afterForwarded(operation, streamName, payload, createdMode, answer);
    if (
      streamName !== undefined &&
      (operation === 'DescribeStream' || operation === 'DescribeStreamSummary')
    ) {
      return describedStream(operation, payload, answer, {
        mode: this.modes.modeOf(streamName),
        updating: this.isUpdating(streamName),
        creating: this.creationTags.isPending(streamName),
        retentionHours: this.retention.hoursOf(streamName),
        shardLevelMetrics: this.monitoring.metricsOf(streamName),
        consumerCount: this.fanOut.consumerCount(streamName),
      });
    }
    return answer;
  }

  /**
   * What the front keeps of a stream after a request was passed on: the settings of a stream
   * created or deleted, and (resharding) the shard maps and budgets to drop once it settles.
   */
  private afterForwarded(
    operation: string,
    streamName: string,
    payload: JsonObject,
    createdMode: StreamMode | undefined,
    answer: UpstreamAnswer,
  ): void {
    const succeeded = answer.status === 200;
    const createdOrDeleted = operation === 'CreateStream' || operation === 'DeleteStream';
    let tagged = false;
    if (succeeded && createdOrDeleted) {
      this.tags.forgetStream(streamName);
      this.retention.forget(streamName);
      this.monitoring.forget(streamName);
      this.modes.record(streamName, operation === 'CreateStream' ? createdMode : undefined);
      if (operation === 'CreateStream') tagged = this.creationTags.hold(streamName, payload.Tags);
    }
    if (!RESHARDING_OPERATIONS.has(operation)) return;
    this.forgetStream(streamName, createdOrDeleted);
    // The change lands after the status delay; a shard map loaded meanwhile is stale then.
    if (succeeded) {
      this.settling.watch(
        streamName,
        createdOrDeleted,
        tagged ? () => this.creationTags.apply(streamName) : undefined,
      );
    }
  }

  /** Whether the stream is UPDATING through the front (scaling, or a capacity mode switch). */
  private isUpdating(streamName: string): boolean {
    return this.operations.isUpdating(streamName) || this.modes.isUpdating(streamName);
  }

  /** ListStreams with AWS paging (NextToken, 100 a page) and StreamSummaries. */
  private async listStreams(
    req: IncomingMessage,
    body: Buffer,
    payload: JsonObject,
  ): Promise<UpstreamAnswer> {
    const now = Date.now();
    const query = parseListStreams(payload, now);
    // A Limit out of range: the backing store refuses it in the AWS words.
    if (query === undefined) return this.upstream.forward(req, body);
    if ('status' in query) return errorAnswer(query);
    try {
      const page = await listStreamsPage(
        this.options.admin,
        query,
        {
          modeOf: (name) => this.modes.modeOf(name),
          statusOf: (name, status) => {
            if (this.isUpdating(name)) return 'UPDATING';
            return status === 'ACTIVE' && this.creationTags.isPending(name) ? 'CREATING' : status;
          },
        },
        now,
      );
      return jsonAnswer(200, page);
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }
}

/** The Kinesis operation a request calls (from X-Amz-Target). */
function operationOf(req: IncomingMessage): string {
  return String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
}
