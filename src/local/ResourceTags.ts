import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, invalidArgument, rangeRefusal, type AwsErrorAnswer } from './awsErrors.js';
import { parseConsumerArn } from './efo/consumerArn.js';
import { consumerNotFound } from './efo/fanOutErrors.js';
import {
  firstRefusal,
  streamNameRefusal,
  stringMemberRefusal,
  type StringConstraints,
} from './modelValidation.js';
import { typeMismatch } from './serializationErrors.js';
import { streamNameOfArn } from './streamArn.js';
import {
  MAX_TAGS_PER_RESOURCE,
  parseResourceArn,
  parseTagKeys,
  parseTagMap,
  tooManyTags,
  type TagMap,
} from './tagRequests.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';
import { NO_STREAM_NAMED } from './missingStreamName.js';

/** The tagging operations, all answered by the front. */
export const TAG_OPERATIONS = new Set([
  'AddTagsToStream',
  'RemoveTagsFromStream',
  'ListTagsForStream',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
]);

/** Most tags ListTagsForStream returns in a page (its Limit ranges from 1 to 50). */
const MAX_LIST_LIMIT = 50;

/** A tagged resource: a stream (by name) or a stream consumer (by ARN). */
type Resource = { readonly kind: 'stream' | 'consumer'; readonly key: string; readonly name: string };

export interface ResourceTagsOptions {
  /** The backing store, asked whether a stream exists. */
  readonly admin: KinesisClient;
  /** Whether a stream consumer with this ARN is registered. */
  readonly hasConsumer: (consumerArn: string) => boolean;
}

/**
 * The tags of streams and stream consumers, kept by the front (kinesalite keeps stream tags
 * with older limits: 10 a request, and no `:` in a tag), answering AddTagsToStream,
 * RemoveTagsFromStream and ListTagsForStream (by StreamName or StreamARN) and TagResource,
 * UntagResource and ListTagsForResource (by stream or consumer ARN) with the AWS limits.
 */
export class ResourceTags {
  private readonly tags = new Map<string, Map<string, string>>();

  constructor(private readonly options: ResourceTagsOptions) {}

  /**
   * Answers a tagging operation; `payload` names its stream by StreamName (ARNs resolved). The
   * request is checked before the resource is looked up, as the request validation comes first.
   */
  async answer(operation: string, payload: JsonObject): Promise<UpstreamAnswer> {
    this.pruneConsumers();
    // The model's check of StreamName (the *Stream operations) comes with the other members'.
    const notString = typeMismatch('String', payload.StreamName);
    if (notString !== undefined) return errorAnswer(notString);
    // The *Resource operations' ResourceARN is a model member too, listed with the others.
    const named = operation.endsWith('Stream')
      ? streamNameRefusal(payload.StreamName)
      : resourceArnRefusal(payload.ResourceARN);
    switch (operation) {
      case 'AddTagsToStream':
      case 'TagResource': {
        const parsed = parseTagMap(payload.Tags);
        const early = modelFirst(named, parsed);
        if (early !== undefined) return errorAnswer(early);
        const resource = await this.resourceOf(operation, payload);
        if ('status' in resource) return errorAnswer(resource);
        return 'error' in parsed ? errorAnswer(parsed.error) : this.add(resource, parsed.tags);
      }
      case 'RemoveTagsFromStream':
      case 'UntagResource': {
        const parsed = parseTagKeys(payload.TagKeys);
        const early = modelFirst(named, parsed);
        if (early !== undefined) return errorAnswer(early);
        const resource = await this.resourceOf(operation, payload);
        if ('status' in resource) return errorAnswer(resource);
        return 'error' in parsed ? errorAnswer(parsed.error) : this.remove(resource, parsed.keys);
      }
      case 'ListTagsForStream': {
        const { Limit: limit } = payload;
        const badLimit =
          limit !== undefined &&
          limit !== null &&
          (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT);
        const refused = firstRefusal(
          named,
          badLimit ? rangeRefusal(limit, 'limit', 1, MAX_LIST_LIMIT) : undefined,
          stringMemberRefusal('exclusiveStartTagKey', payload.ExclusiveStartTagKey, TAG_KEY),
        );
        if (refused !== undefined) return errorAnswer(refused);
        const resource = await this.resourceOf(operation, payload);
        return 'status' in resource ? errorAnswer(resource) : this.listPage(resource, payload);
      }
      default: {
        if (named !== undefined) return errorAnswer(named);
        const resource = await this.resourceOf(operation, payload);
        return 'status' in resource
          ? errorAnswer(resource)
          : jsonAnswer(200, { Tags: this.sorted(resource) });
      }
    }
  }

  /** Gives a stream the tags CreateStream gave it. */
  tagStream(streamName: string, tags: TagMap): void {
    const current = this.tags.get(streamKey(streamName)) ?? new Map<string, string>();
    for (const [key, tag] of Object.entries(tags)) current.set(key, tag);
    this.tags.set(streamKey(streamName), current);
  }

  /** Gives a consumer just registered the tags its RegisterStreamConsumer gave it. */
  tagConsumer(consumerArn: string, tags: TagMap): void {
    this.tags.set(consumerArn, new Map(Object.entries(tags)));
  }

  /** Drops a stream's tags (it was deleted, or created anew). */
  forgetStream(streamName: string): void {
    this.tags.delete(streamKey(streamName));
  }

  private add(resource: Resource, tags: TagMap): UpstreamAnswer {
    const current = this.tags.get(resource.key) ?? new Map<string, string>();
    const keys = new Set([...current.keys(), ...Object.keys(tags)]);
    if (keys.size > MAX_TAGS_PER_RESOURCE) return errorAnswer(tooManyTags(resource.kind, resource.name));
    for (const [key, tag] of Object.entries(tags)) current.set(key, tag);
    this.tags.set(resource.key, current);
    return emptyAnswer();
  }

  private remove(resource: Resource, keys: readonly string[]): UpstreamAnswer {
    const current = this.tags.get(resource.key);
    // A key the resource does not have is ignored.
    for (const key of keys) current?.delete(key);
    if (current?.size === 0) this.tags.delete(resource.key);
    return emptyAnswer();
  }

  /** ListTagsForStream: sorted by key, after ExclusiveStartTagKey, at most Limit, HasMoreTags. */
  private listPage(resource: Resource, payload: JsonObject): UpstreamAnswer {
    const { Limit: limit, ExclusiveStartTagKey: after } = payload;
    const all = this.sorted(resource);
    const from = typeof after === 'string' ? all.filter((tag) => tag.Key > after) : all;
    const size = typeof limit === 'number' ? limit : MAX_LIST_LIMIT;
    return jsonAnswer(200, { Tags: from.slice(0, size), HasMoreTags: from.length > size });
  }

  private sorted(resource: Resource): Array<{ Key: string; Value: string }> {
    return [...(this.tags.get(resource.key) ?? new Map<string, string>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([Key, Value]) => ({ Key, Value }));
  }

  /** The resource a request names, once known to exist; or the refusal. */
  private async resourceOf(operation: string, payload: JsonObject): Promise<Resource | AwsErrorAnswer> {
    let streamName: string | undefined;
    if (operation.endsWith('Resource')) {
      const arn = parseResourceArn(payload.ResourceARN);
      if (typeof arn !== 'string') return arn;
      const consumer = parseConsumerArn(arn);
      if (consumer !== undefined) {
        if (!this.options.hasConsumer(arn)) return consumerNotFound(arn);
        return { kind: 'consumer', key: arn, name: consumer.consumerName };
      }
      streamName = streamNameOfArn(arn);
      if (streamName === undefined) return invalidArgument(`Invalid ResourceARN: ${arn}`);
    } else {
      if (typeof payload.StreamName !== 'string') {
        return invalidArgument(NO_STREAM_NAMED);
      }
      streamName = payload.StreamName;
    }
    try {
      await this.options.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    } catch (error) {
      return answerOfSdkError(error);
    }
    return { kind: 'stream', key: streamKey(streamName), name: streamName };
  }

  /** Drops the tags of consumers no longer registered. */
  private pruneConsumers(): void {
    for (const key of this.tags.keys()) {
      if (!key.startsWith(STREAM_PREFIX) && !this.options.hasConsumer(key)) this.tags.delete(key);
    }
  }
}

const STREAM_PREFIX = 'stream/';

/** A tag key in the model: 1 to 128 characters. */
const TAG_KEY: StringConstraints = { min: 1, max: 128 };

/**
 * What is refused before the resource is looked up: the model's checks (StreamName, the tags'
 * types, counts and lengths). The operation's own checks of the tags (characters, `aws:` keys:
 * InvalidArgumentException) come after the lookup, as Kinesis makes them.
 */
function modelFirst(
  named: AwsErrorAnswer | undefined,
  parsed: { readonly error: AwsErrorAnswer } | object,
): AwsErrorAnswer | undefined {
  const tagsRefusal = 'error' in parsed ? (parsed as { readonly error: AwsErrorAnswer }).error : undefined;
  return firstRefusal(named, tagsRefusal?.type === 'InvalidArgumentException' ? undefined : tagsRefusal);
}

/** The refusal of a malformed or missing ResourceARN, or undefined. */
function resourceArnRefusal(value: unknown): AwsErrorAnswer | undefined {
  const arn = parseResourceArn(value);
  return typeof arn === 'string' ? undefined : arn;
}

function streamKey(streamName: string): string {
  return `${STREAM_PREFIX}${streamName}`;
}

/** An answer with no body, as Kinesis answers AddTagsToStream, TagResource and the like. */
function emptyAnswer(): UpstreamAnswer {
  const answer = jsonAnswer(200, {});
  return { ...answer, body: Buffer.alloc(0) };
}
