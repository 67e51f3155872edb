import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { INTERNAL_FAILURE_MESSAGE, internalFailure, type AwsErrorAnswer } from './awsErrors.js';
import { cborAnswer, jsonOfCborRequest } from './cborExchange.js';
import { ControlPlaneThrottle } from './ControlPlaneThrottle.js';
import { CreatingStreamLimit } from './CreatingStreamLimit.js';
import { isControlPlaneOperation } from './controlPlaneLimits.js';
import { applyCors } from './cors.js';
import { BackingStoreJson } from './efo/BackingStoreJson.js';
import { EnhancedFanOut, type SubscriptionFilter, type SubscriptionInfo } from './efo/EnhancedFanOut.js';
import { EnhancedMonitoring } from './EnhancedMonitoring.js';
import { FaultInjector } from './FaultInjector.js';
import { FrontListener } from './FrontListener.js';
import { readRequestBody, sendAnswer } from './frontHttp.js';
import type { KinesisFrontServerOptions } from './KinesisFrontServerOptions.js';
import { OperationRouter } from './OperationRouter.js';
import { requestAuthRefusal } from './requestAuth.js';
import { requestEncoding } from './requestEncoding.js';
import { operationOf } from './requestOperation.js';
import { ResourcePolicies } from './ResourcePolicies.js';
import { ResourceTags } from './ResourceTags.js';
import { ScalingHistory } from './ScalingHistory.js';
import { ShardOperations } from './ShardOperations.js';
import { ShardReads } from './ShardReads.js';
import { ShardWrites } from './ShardWrites.js';
import { StreamBookkeeping } from './StreamBookkeeping.js';
import { memberTypeMismatch } from './serializationErrors.js';
import { StreamEncryption } from './StreamEncryption.js';
import { StreamModeOperations } from './StreamModeOperations.js';
import type { StreamMode } from './StreamModes.js';
import { StreamRetention } from './StreamRetention.js';
import { errorAnswer, JSON_CONTENT_TYPE, parseJsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';
import { UpstreamForwarder } from './UpstreamForwarder.js';

/**
 * The local endpoint: an HTTP server speaking the Kinesis JSON 1.1 and CBOR protocols that
 * passes every request to kinesalite, and on the way enforces the Kinesis limits (per-shard
 * write and read rates, request sizes, control-plane call rates, the account shard limit),
 * answers what kinesalite lacks (StreamARN addressing, UpdateShardCount, DescribeLimits,
 * ListShards paging and filters, AT_TIMESTAMP on a shard with no later record, ChildShards at a
 * shard's end, capacity modes, server-side encryption settings, ListStreams and DescribeStream paging, consumer counts, tags) and
 * injects faults, answering exactly as AWS does.
 *
 * A request goes: body read → connection faults → protocol (CBOR translated to JSON) →
 * signature → injected server error → control-plane rate → SubscribeToShard or the operation
 * router → answer (in the protocol of the request), unless the answer is to be lost.
 */
export class KinesisFrontServer {
  /** Listens for HTTP/1.1 and cleartext HTTP/2 connections on one port. */
  readonly server: Server;
  private readonly listener: FrontListener;
  private readonly upstream: UpstreamForwarder;
  private readonly faults: FaultInjector;
  private readonly operations: ShardOperations;
  private readonly store: BackingStoreJson;
  private readonly fanOut: EnhancedFanOut;
  private readonly bookkeeping: StreamBookkeeping;
  private readonly router: OperationRouter;
  private readonly controlPlane: ControlPlaneThrottle | undefined;
  private readonly creatingStreams: CreatingStreamLimit | undefined;

  constructor(private readonly options: KinesisFrontServerOptions) {
    const { admin, stats } = options;
    this.upstream = new UpstreamForwarder(options.upstream, stats);
    this.faults = new FaultInjector(options.faults, stats);
    const writes = new ShardWrites(options, this.faults, this.upstream);
    const reads = new ShardReads(options, this.upstream);
    const scalings =
      options.limits === undefined
        ? undefined
        : new ScalingHistory(options.limits.updateShardCountsPerDay, options.clock);
    this.operations = new ShardOperations({
      admin,
      region: options.region,
      shardLimit: options.shardLimit,
      storedStreams: options.storedStreams,
      onReshard: (streamName) => this.bookkeeping.forgetStream(streamName, false),
      modeOf: (streamName) => modes.modeOf(streamName),
      statusOf: (streamName, status) => this.bookkeeping.statusOf(streamName, status),
      scalings,
    });
    const modes: StreamModeOperations = new StreamModeOperations({
      admin,
      statusDelayMs: options.streamStatusDelayMs,
      isBusy: (streamName) => this.operations.isUpdating(streamName) || encryption.isUpdating(streamName),
      clock: options.clock,
    });
    const encryption = new StreamEncryption({
      admin,
      statusDelayMs: options.streamStatusDelayMs,
      isBusy: (streamName) => this.operations.isUpdating(streamName) || modes.isUpdating(streamName),
    });
    const retention = new StreamRetention(admin);
    const tags = new ResourceTags({
      admin,
      hasConsumer: (consumerArn) => this.fanOut.hasConsumer(consumerArn),
    });
    const policies = new ResourcePolicies({
      admin,
      hasConsumer: (consumerArn) => this.fanOut.hasConsumer(consumerArn),
    });
    const monitoring = new EnhancedMonitoring(admin);
    this.store = new BackingStoreJson(options.upstream, options.region);
    this.fanOut = new EnhancedFanOut({
      store: this.store,
      admin,
      stats,
      clock: options.clock,
      limits: options.limits,
      efo: options.efo,
      faults: this.faults,
      dropConnection: (res) => this.listener.dropConnection(res),
      markRecords: (streamName, records) => encryption.markRead(streamName, records),
    });
    this.bookkeeping = new StreamBookkeeping({
      admin,
      shardMaps: options.shardMaps,
      operations: this.operations,
      modes,
      retention,
      monitoring,
      encryption,
      tags,
      policies,
      perStream: [this.fanOut, writes, reads, ...(scalings === undefined ? [] : [scalings])],
      consumerCount: (streamName) => this.fanOut.consumerCount(streamName),
    });
    this.creatingStreams =
      options.limits === undefined
        ? undefined
        : new CreatingStreamLimit(admin, options.limits.maxCreatingStreams);
    this.router = new OperationRouter({
      admin,
      stats,
      upstream: this.upstream,
      writes,
      reads,
      operations: this.operations,
      modes,
      retention,
      monitoring,
      encryption,
      tags,
      policies,
      fanOut: this.fanOut,
      bookkeeping: this.bookkeeping,
      creatingStreams: this.creatingStreams,
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
    this.bookkeeping.forgetStream(streamName, dropBudgets);
  }

  /**
   * Records the capacity mode of a stream created (or, undefined, deleted) without the front,
   * and the shards it was created with (counted against the shard limit while it is CREATING).
   */
  recordStream(streamName: string, mode: StreamMode | undefined, shards?: number): void {
    this.bookkeeping.recordStream(streamName, mode);
    if (mode !== undefined && shards !== undefined) this.operations.noteCreating(streamName, shards);
    if (mode !== undefined) this.creatingStreams?.noteCreated(streamName);
  }

  /** A stream created without the front (recordStream) was seen ACTIVE. */
  streamActive(streamName: string): void {
    this.creatingStreams?.settled(streamName);
  }

  /** Forgets what was kept of a stream deleted without the front, now that it is gone. */
  streamGone(streamName: string): void {
    this.bookkeeping.streamGone(streamName);
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

  /**
   * Stops listening, drops every connection (black-holed and delayed ones too) and ends scaling
   * under way.
   */
  async close(): Promise<void> {
    this.faults.close();
    await Promise.all([
      this.fanOut.close(),
      this.listener.close(),
      this.operations.close(),
      this.bookkeeping.close(),
    ]);
    this.upstream.close();
    this.store.close();
  }

  /**
   * Checks a stream of `shards` shards created without the front against the account shard
   * limit, one check at a time with the CreateStreams it takes: its refusal, or a release to be
   * given the backing store's answer.
   */
  claimShards(streamName: string, shards: number): ReturnType<ShardOperations['claimShards']> {
    return this.operations.claimShards(streamName, shards);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readRequestBody(req);
    if (rawBody === undefined) {
      res.writeHead(413, { 'Content-Length': 0 }).end();
      return;
    }
    if (await this.faults.intercept(req)) return;

    const encoding = requestEncoding(req);
    let body = rawBody;
    if (encoding === 'cbor') {
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
    // A request without an operation or a JSON body is refused for that first, as AWS does:
    // the backing store answers it (UnknownOperationException, SerializationException).
    // (Checked for unsigned requests only: signed ones are parsed once, further on.)
    const authRefusal = encoding === undefined ? undefined : requestAuthRefusal(req);
    const unsigned =
      authRefusal !== undefined && operationOf(req) !== '' && parseJsonObject(body) !== undefined
        ? authRefusal
        : undefined;
    let answer: UpstreamAnswer;
    if (encoding === undefined) {
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
        const payload = parseJsonObject(body) ?? {};
        const mistyped = memberTypeMismatch('SubscribeToShard', payload);
        const refusal =
          mistyped === undefined
            ? await this.fanOut.subscribe(res, payload, encoding)
            : errorAnswer(mistyped);
        if (refusal === undefined) return;
        answer = refusal;
      } else {
        answer = await this.router.answer(req, body);
      }
    }
    if (dropAnswer) {
      this.faults.dropAnswer(req);
      return;
    }
    sendAnswer(res, encoding === 'cbor' ? cborAnswer(answer) : answer);
  }

  /** The refusal of a control-plane call over its calls per second (with `limits` on). */
  private throttled(req: IncomingMessage, body: Buffer): AwsErrorAnswer | undefined {
    const operation = operationOf(req);
    if (this.controlPlane === undefined || !isControlPlaneOperation(operation)) return undefined;
    const refusal = this.controlPlane.refusal(operation, parseJsonObject(body) ?? {});
    if (refusal !== undefined) this.options.stats.throttledControlPlaneCalls += 1;
    return refusal;
  }
}
