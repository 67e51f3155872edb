import type { IncomingMessage } from 'node:http';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { patternStandIn } from './alternationPatterns.js';
import {
  answerOfSdkError,
  consumersRegistered,
  invalidArgument,
  onDemandRefusal,
  resourceInUse,
} from './awsErrors.js';
import { closedShardRefusal } from './closedShardRefusal.js';
import { deleteStreamAnswer } from './deleteStreamAnswer.js';
import { claimCreation } from './creationClaims.js';
import { createStreamRefusal } from './createStreamRefusal.js';
import type { CreatingStreamLimit } from './CreatingStreamLimit.js';
import type { EnhancedFanOut } from './efo/EnhancedFanOut.js';
import type { EnhancedMonitoring } from './EnhancedMonitoring.js';
import { listStreamsPage, parseListStreams } from './listStreamsPage.js';
import type { MutableLocalKinesisStats } from './LocalKinesisStats.js';
import { streamNameRefusal } from './modelValidation.js';
import type { StreamEncryption } from './StreamEncryption.js';
import { operationOf } from './requestOperation.js';
import { memberTypeMismatch, wholeIntegers } from './serializationErrors.js';
import { withStreamNameOptional } from './missingStreamName.js';
import { POLICY_OPERATIONS, type ResourcePolicies } from './ResourcePolicies.js';
import { TAG_OPERATIONS, type ResourceTags } from './ResourceTags.js';
import type { ShardOperations } from './ShardOperations.js';
import type { ShardReads } from './ShardReads.js';
import type { ShardWrites } from './ShardWrites.js';
import { resolveStreamArn } from './streamArn.js';
import type { StreamBookkeeping } from './StreamBookkeeping.js';
import { describedStream } from './streamDescription.js';
import { createStreamRequest } from './streamModeRequest.js';
import type { StreamModeOperations } from './StreamModeOperations.js';
import type { StreamMode } from './StreamModes.js';
import type { StreamRetention } from './StreamRetention.js';
import { MAX_TAGS_PER_RESOURCE, parseTagMap, registrationTags, tooManyTags } from './tagRequests.js';
import { parseUpdateShardCount } from './updateShardCountRequest.js';
import {
  errorAnswer,
  jsonAnswer,
  parseJsonObject,
  type JsonObject,
  type UpstreamAnswer,
} from './UpstreamAnswer.js';
import { operationNotOffered, UNOFFERED_OPERATIONS } from './unofferedOperations.js';
import type { UpstreamForwarder } from './UpstreamForwarder.js';

/** The largest ShardCount the API model lets CreateStream ask for. */
const MAX_SHARD_COUNT = 100_000;

/** The parts of the front that answer operations, or pass them on. */
export interface OperationRouterParts {
  readonly admin: KinesisClient;
  readonly stats: MutableLocalKinesisStats;
  readonly upstream: UpstreamForwarder;
  readonly writes: ShardWrites;
  readonly reads: ShardReads;
  readonly operations: ShardOperations;
  readonly modes: StreamModeOperations;
  readonly retention: StreamRetention;
  readonly monitoring: EnhancedMonitoring;
  readonly encryption: StreamEncryption;
  readonly tags: ResourceTags;
  readonly policies: ResourcePolicies;
  readonly fanOut: EnhancedFanOut;
  readonly bookkeeping: StreamBookkeeping;
  /** The limit on streams CREATING at once (with `limits` on). */
  readonly creatingStreams: CreatingStreamLimit | undefined;
}

/**
 * Routes a JSON request (signed, not throttled) to the part of the front that answers it, or
 * checks it as AWS would and passes it on to the backing store, completing the answer where
 * kinesalite falls short (DescribeStream(Summary)).
 */
export class OperationRouter {
  constructor(private readonly parts: OperationRouterParts) {}

  async answer(req: IncomingMessage, rawBody: Buffer): Promise<UpstreamAnswer> {
    return withStreamNameOptional(operationOf(req), await this.route(req, rawBody));
  }

  private async route(req: IncomingMessage, rawBody: Buffer): Promise<UpstreamAnswer> {
    const { stats, upstream, writes, reads, operations, modes, retention, monitoring } = this.parts;
    const { tags, policies, fanOut, bookkeeping, encryption } = this.parts;
    const operation = operationOf(req);
    if (UNOFFERED_OPERATIONS.has(operation)) {
      stats.forwardedRequests += 1;
      return errorAnswer(operationNotOffered(operation));
    }
    const given = parseJsonObject(rawBody);
    if (given === undefined) return upstream.forward(req, rawBody);
    // A member of the wrong JSON type is refused before anything else, as Kinesis reads the body.
    const mistyped = memberTypeMismatch(operation, given);
    if (mistyped !== undefined) {
      stats.forwardedRequests += 1;
      return errorAnswer(mistyped);
    }
    const parsed = wholeIntegers(operation, given);
    if (fanOut.answers(operation)) {
      // Stream consumers (enhanced fan-out), kept by the front: kinesalite has none.
      stats.forwardedRequests += 1;
      if (operation !== 'RegisterStreamConsumer') return fanOut.answer(operation, parsed);
      // Its Tags are the consumer's from CREATING on, checked as TagResource checks them.
      const given = registrationTags(parsed);
      if (given !== undefined && 'error' in given) return errorAnswer(given.error);
      const answer = await fanOut.answer(operation, parsed);
      const registered = answer.status === 200 ? parseJsonObject(answer.body)?.Consumer : undefined;
      const arn = (registered as JsonObject | undefined)?.ConsumerARN;
      if (given !== undefined && typeof arn === 'string') tags.tagConsumer(arn, given.tags);
      return answer;
    }
    const addressed = resolveStreamArn(operation, parsed);
    if ('error' in addressed) return errorAnswer(addressed.error);
    let payload = addressed.payload;
    if (TAG_OPERATIONS.has(operation)) {
      // Tags of streams and consumers, kept by the front with the AWS limits.
      stats.forwardedRequests += 1;
      return tags.answer(operation, payload);
    }
    if (POLICY_OPERATIONS.has(operation)) {
      // Resource policies of streams and consumers, kept by the front: kinesalite has none.
      stats.forwardedRequests += 1;
      return policies.answer(operation, payload);
    }
    const streamName = typeof payload.StreamName === 'string' ? payload.StreamName : undefined;
    let createdMode: StreamMode | undefined;
    let releaseCreation: ((answer: Promise<UpstreamAnswer>) => void) | undefined;
    if (operation === 'CreateStream') {
      let tagCount = 0;
      if (payload.Tags !== undefined && payload.Tags !== null) {
        const checked = parseTagMap(payload.Tags);
        if ('error' in checked) return errorAnswer(checked.error);
        tagCount = Object.keys(checked.tags).length;
      }
      const create = createStreamRequest(payload);
      if ('status' in create) return errorAnswer(create);
      // The Tags map may hold 200 entries, a stream at most 50 tags.
      if (tagCount > MAX_TAGS_PER_RESOURCE)
        return errorAnswer(tooManyTags('stream', String(payload.StreamName)));
      payload = create.payload;
      createdMode = create.mode;
    }
    const body =
      payload === given && createdMode === undefined ? rawBody : Buffer.from(JSON.stringify(payload));
    const standIn = patternStandIn(operation, payload);
    if (standIn !== undefined) return standIn.restore(await upstream.forward(req, standIn.body));
    switch (operation) {
      case 'PutRecords':
        return encryption.written(streamName, await writes.putRecords(req, body, payload));
      case 'PutRecord':
        return encryption.written(streamName, await writes.putRecord(req, body, payload));
      case 'GetRecords': {
        const read = reads.streamOfIterator(payload.ShardIterator);
        const answer = await reads.getRecords(req, body, payload);
        return read === undefined ? answer : markedRecords(encryption, read, answer);
      }
      case 'StartStreamEncryption':
      case 'StopStreamEncryption':
        stats.forwardedRequests += 1;
        return encryption.change(operation, payload);
      case 'GetShardIterator':
        return reads.getShardIterator(req, body, payload);
      // Answered here from what the backing store lists; counted as passed on.
      case 'ListShards':
        stats.forwardedRequests += 1;
        if (parsed.StreamARN !== undefined && parsed.NextToken !== undefined) {
          return errorAnswer(invalidArgument('NextToken and StreamARN cannot be provided together.'));
        }
        return operations.listShards(payload);
      case 'UpdateShardCount': {
        stats.forwardedRequests += 1;
        // The model check first: a malformed request is refused whatever the stream's state.
        const request = parseUpdateShardCount(payload);
        if ('status' in request) return errorAnswer(request);
        const named = request.streamName;
        if (modes.isUpdating(named) || encryption.isUpdating(named)) {
          return errorAnswer(resourceInUse(named, 'UPDATING'));
        }
        return operations.updateShardCount(payload);
      }
      case 'DescribeLimits':
        stats.forwardedRequests += 1;
        return operations.describeLimits(modes.onDemandCount);
      case 'ListStreams':
        stats.forwardedRequests += 1;
        return this.listStreams(req, body, payload);
      case 'IncreaseStreamRetentionPeriod':
      case 'DecreaseStreamRetentionPeriod': {
        const notActive = await retention.notActive(payload, (name) => bookkeeping.isUpdating(name));
        if (notActive !== undefined) {
          stats.forwardedRequests += 1;
          return errorAnswer(notActive);
        }
        const step = await retention.change(operation, payload);
        if ('answer' in step) {
          stats.forwardedRequests += 1;
          return step.answer;
        }
        const answer = await upstream.forward(
          req,
          step.forward === payload ? body : Buffer.from(JSON.stringify(step.forward)),
        );
        if (answer.status === 200) step.onSuccess?.();
        return answer;
      }
      case 'EnableEnhancedMonitoring':
      case 'DisableEnhancedMonitoring':
        stats.forwardedRequests += 1;
        return monitoring.change(operation === 'EnableEnhancedMonitoring', payload);
      case 'UpdateStreamMode':
        stats.forwardedRequests += 1;
        // UpdateStreamMode names its stream by ARN only.
        return modes.updateStreamMode(
          typeof parsed.StreamARN === 'string' ? payload : { StreamModeDetails: payload.StreamModeDetails },
        );
      case 'CreateStream': {
        if (
          createdMode === 'ON_DEMAND' &&
          typeof payload.StreamName === 'string' &&
          streamNameRefusal(payload.StreamName) === undefined
        ) {
          const refusal = modes.onDemandLimitRefusal();
          if (refusal !== undefined) {
            return errorAnswer(await createStreamRefusal(this.parts.admin, payload.StreamName, refusal));
          }
        }
        const shards = payload.ShardCount;
        // The shard limit only within the model (the store refuses the rest, in the AWS words).
        if (
          typeof shards === 'number' &&
          Number.isInteger(shards) &&
          shards > 0 &&
          shards <= MAX_SHARD_COUNT &&
          typeof payload.StreamName === 'string' &&
          streamNameRefusal(payload.StreamName) === undefined
        ) {
          const { creatingStreams } = this.parts;
          const claim = await claimCreation(operations, creatingStreams, payload.StreamName, shards);
          if ('refusal' in claim) {
            return errorAnswer(
              await createStreamRefusal(this.parts.admin, payload.StreamName, claim.refusal),
            );
          }
          releaseCreation = claim.release;
        }
        break;
      }
      case 'DeleteStream': {
        if (
          streamName !== undefined &&
          payload.EnforceConsumerDeletion !== true &&
          fanOut.consumerCount(streamName) > 0
        ) {
          return errorAnswer(consumersRegistered(streamName));
        }
        const answered =
          streamName === undefined ? undefined : await deleteStreamAnswer(this.parts, streamName);
        if (answered !== undefined) return answered;
        break;
      }
      case 'SplitShard':
      case 'MergeShards': {
        if (streamName !== undefined && bookkeeping.isUpdating(streamName)) {
          return errorAnswer(resourceInUse(streamName, 'UPDATING'));
        }
        if (streamName !== undefined && modes.modeOf(streamName) === 'ON_DEMAND') {
          return errorAnswer(onDemandRefusal(operation, streamName));
        }
        const closed = await closedShardRefusal(this.parts.admin, operation, payload);
        if (closed !== undefined) return errorAnswer(closed);
        if (operation === 'SplitShard') {
          const refusal = await operations.overShardLimit(1);
          if (refusal !== undefined) return errorAnswer(refusal);
        }
        break;
      }
      default:
        break;
    }
    const forwarding = upstream.forward(req, body);
    releaseCreation?.(forwarding);
    const answer = await forwarding;
    if (streamName !== undefined) {
      bookkeeping.afterForwarded(operation, streamName, payload, createdMode, answer);
    }
    if (
      streamName !== undefined &&
      (operation === 'DescribeStream' || operation === 'DescribeStreamSummary')
    ) {
      return describedStream(operation, payload, answer, bookkeeping.factsOf(streamName));
    }
    return answer;
  }

  /** ListStreams with AWS paging (NextToken, 100 a page) and StreamSummaries. */
  private async listStreams(
    req: IncomingMessage,
    body: Buffer,
    payload: JsonObject,
  ): Promise<UpstreamAnswer> {
    const { admin, upstream, bookkeeping } = this.parts;
    const now = Date.now();
    const query = parseListStreams(payload, now);
    // A Limit out of range: the backing store refuses it in the AWS words.
    if (query === undefined) return upstream.forward(req, body);
    if ('status' in query) return errorAnswer(query);
    try {
      const page = await listStreamsPage(
        admin,
        query,
        {
          modeOf: (name) => bookkeeping.modeOf(name),
          statusOf: (name, status) => bookkeeping.statusOf(name, status),
        },
        now,
      );
      return jsonAnswer(200, page);
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
  }
}

/** A GetRecords answer with the records written while the stream's encryption was on marked. */
function markedRecords(
  encryption: StreamEncryption,
  streamName: string,
  answer: UpstreamAnswer,
): UpstreamAnswer {
  if (answer.status !== 200 || !encryption.marksRecordsOf(streamName)) return answer;
  const parsed = parseJsonObject(answer.body);
  if (parsed === undefined || !Array.isArray(parsed.Records)) return answer;
  encryption.markRead(streamName, parsed.Records as JsonObject[]);
  return jsonAnswer(200, parsed, answer.headers);
}
