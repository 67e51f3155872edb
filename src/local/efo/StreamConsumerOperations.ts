import { randomBytes } from 'node:crypto';
import { invalidArgument, rangeRefusal, type AwsErrorAnswer } from '../awsErrors.js';
import { epochMs } from '../listShardsPage.js';
import { streamNameOfArn } from '../streamArn.js';
import { errorAnswer, jsonAnswer, type JsonObject, type UpstreamAnswer } from '../UpstreamAnswer.js';
import type { BackingStoreJson } from './BackingStoreJson.js';
import { parseConsumerArn } from './consumerArn.js';
import {
  badPattern,
  consumerExists,
  consumerNotFound,
  missingMember,
  streamNotActive,
  streamNotFound,
  tooManyConsumers,
  tooManyCreatingConsumers,
} from './fanOutErrors.js';
import {
  consumerMemberViolations,
  consumerNameViolations,
  STREAM_ARN_PATTERN,
  streamArnViolations,
} from './fanOutRequestModel.js';
import type { StreamConsumer, StreamConsumerRegistry } from './StreamConsumerRegistry.js';
import { firstRefusal, NEXT_TOKEN, stringMemberRefusal, validationOf } from '../modelValidation.js';

export const CONSUMER_OPERATIONS = new Set([
  'RegisterStreamConsumer',
  'DescribeStreamConsumer',
  'ListStreamConsumers',
  'DeregisterStreamConsumer',
]);

const CONSUMER_ARN_PATTERN =
  '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';
/** The default page size, and the most consumers one answer holds whatever MaxResults asks. */
const DEFAULT_LIST_RESULTS = 100;
const MAX_LIST_RESULTS = 10_000;
/** How long a ListStreamConsumers NextToken stays valid (as on AWS, 300 s). */
const TOKEN_LIFETIME_MS = 300_000;

export interface StreamConsumerOperationsOptions {
  readonly registry: StreamConsumerRegistry;
  readonly store: BackingStoreJson;
  /** Most consumers (DELETING ones included) per stream. */
  readonly maxConsumersPerStream: number;
  /** Most consumers CREATING at once in the account (with `limits`), else undefined. */
  readonly maxCreatingConsumers: number | undefined;
  /** Told when a consumer is deregistered, so that its subscriptions end. */
  readonly onDeregister: (consumer: StreamConsumer) => void;
}

/**
 * RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and
 * DeregisterStreamConsumer, answered by the front (the backing store has no fan-out API) with
 * the shapes and errors of Kinesis.
 */
export class StreamConsumerOperations {
  /** ListStreamConsumers page tokens: token → stream and the position of the last consumer listed. */
  private readonly tokens = new Map<
    string,
    {
      readonly streamName: string;
      /** When the stream was created: a token never pages a stream created again under its name. */
      readonly createdAt: number | undefined;
      readonly after: number;
      readonly expiresAt: number;
    }
  >();

  constructor(private readonly options: StreamConsumerOperationsOptions) {}

  answer(operation: string, payload: JsonObject): Promise<UpstreamAnswer> {
    switch (operation) {
      case 'RegisterStreamConsumer':
        return this.register(payload);
      case 'DescribeStreamConsumer':
        return this.describe(payload);
      case 'ListStreamConsumers':
        return this.list(payload);
      default:
        return this.deregister(payload);
    }
  }

  private async register(payload: JsonObject): Promise<UpstreamAnswer> {
    const { registry } = this.options;
    // The model check first (both members, in one ValidationException), then the stream.
    const broken = [
      ...streamArnViolations(payload.StreamARN),
      ...consumerNameViolations(payload.ConsumerName),
    ];
    if (broken.length > 0) return errorAnswer(validationOf(broken));
    const stream = await this.stream(payload.StreamARN);
    if ('type' in stream) return errorAnswer(stream);
    const name = payload.ConsumerName as string;
    if (stream.streamStatus === 'CREATING' || stream.streamStatus === 'DELETING') {
      return errorAnswer(streamNotActive(stream.streamName, stream.streamStatus));
    }
    if (registry.find(stream.streamName, name) !== undefined) {
      return errorAnswer(consumerExists(name, stream.streamName));
    }
    if (registry.list(stream.streamName).length >= this.options.maxConsumersPerStream) {
      return errorAnswer(tooManyConsumers(stream.streamName, this.options.maxConsumersPerStream));
    }
    const { maxCreatingConsumers } = this.options;
    if (maxCreatingConsumers !== undefined && registry.creatingCount() >= maxCreatingConsumers) {
      return errorAnswer(tooManyCreatingConsumers(maxCreatingConsumers));
    }
    const consumer = registry.register(stream.streamName, stream.streamArn, name);
    return jsonAnswer(200, { Consumer: this.summary(consumer) });
  }

  private async describe(payload: JsonObject): Promise<UpstreamAnswer> {
    const consumer = await this.consumer(payload);
    if ('type' in consumer) return errorAnswer(consumer);
    return jsonAnswer(200, {
      ConsumerDescription: { ...this.summary(consumer), StreamARN: consumer.streamArn },
    });
  }

  private async list(payload: JsonObject): Promise<UpstreamAnswer> {
    const { registry } = this.options;
    const maxResults = payload.MaxResults ?? DEFAULT_LIST_RESULTS;
    const badMaxResults =
      typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 1 ||
      maxResults > MAX_LIST_RESULTS;
    // The model check of every member first, in one ValidationException (an empty NextToken is
    // too short for the model, not an unknown token).
    const arnBroken = streamArnViolations(payload.StreamARN);
    const invalid = firstRefusal(
      badMaxResults ? rangeRefusal(maxResults, 'maxResults', 1, MAX_LIST_RESULTS) : undefined,
      stringMemberRefusal('nextToken', payload.NextToken, NEXT_TOKEN),
      arnBroken.length > 0 ? validationOf(arnBroken) : undefined,
    );
    if (invalid !== undefined || typeof maxResults !== 'number') {
      return errorAnswer(invalid ?? rangeRefusal(maxResults, 'maxResults', 1, MAX_LIST_RESULTS));
    }
    const stream = await this.stream(payload.StreamARN);
    if ('type' in stream) return errorAnswer(stream);
    // StreamCreationTimestamp names the stream of that name created then (the backing store dates
    // streams to the second): another stream of the name is not found.
    const asked = epochMs(payload.StreamCreationTimestamp);
    if (
      asked !== undefined &&
      stream.createdAt !== undefined &&
      Math.floor(asked / 1000) !== Math.floor(stream.createdAt / 1000)
    ) {
      return errorAnswer(streamNotFound(stream.streamName));
    }
    // A page goes on after the last consumer the previous page listed (by registration order),
    // so consumers that went meanwhile do not shift the rest past the client.
    let after = 0;
    if (payload.NextToken !== undefined && payload.NextToken !== null) {
      this.pruneTokens();
      const token = typeof payload.NextToken === 'string' ? this.tokens.get(payload.NextToken) : undefined;
      if (token === undefined && expiredToken(payload.NextToken)) {
        return errorAnswer({
          status: 400,
          type: 'ExpiredNextTokenException',
          message: `Expired next token ${String(payload.NextToken)}`,
        });
      }
      if (
        token === undefined ||
        token.streamName !== stream.streamName ||
        token.createdAt !== stream.createdAt
      ) {
        return errorAnswer(invalidArgument(`NextToken ${String(payload.NextToken)} is invalid or expired.`));
      }
      after = token.after;
    }
    const consumers = registry
      .list(stream.streamName)
      .filter((consumer) => registry.positionOf(consumer) > after);
    const page = consumers.slice(0, Math.min(maxResults, DEFAULT_LIST_RESULTS));
    let nextToken: string | undefined;
    if (page.length < consumers.length) {
      // Dated, so that it is told expired (not unknown) once it has been dropped.
      nextToken = `${randomBytes(24).toString('base64url')}.${Date.now().toString(36)}`;
      this.pruneTokens();
      this.tokens.set(nextToken, {
        streamName: stream.streamName,
        createdAt: stream.createdAt,
        after: registry.positionOf(page[page.length - 1]!),
        expiresAt: Date.now() + TOKEN_LIFETIME_MS,
      });
    }
    return jsonAnswer(200, {
      Consumers: page.map((consumer) => this.summary(consumer)),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    });
  }

  private async deregister(payload: JsonObject): Promise<UpstreamAnswer> {
    const consumer = await this.consumer(payload);
    if ('type' in consumer) return errorAnswer(consumer);
    this.options.registry.deregister(consumer);
    this.options.onDeregister(consumer);
    return jsonAnswer(200, {});
  }

  /** Drops expired page tokens (they are kept in insertion order, so the oldest come first). */
  private pruneTokens(): void {
    const now = Date.now();
    for (const [token, entry] of this.tokens) {
      if (entry.expiresAt > now) break;
      this.tokens.delete(token);
    }
  }

  private summary(consumer: StreamConsumer): JsonObject {
    return {
      ConsumerName: consumer.consumerName,
      ConsumerARN: consumer.consumerArn,
      ConsumerStatus: this.options.registry.status(consumer),
      ConsumerCreationTimestamp: consumer.createdAt / 1000,
    };
  }

  /** The consumer a request names: by ConsumerARN, or by StreamARN and ConsumerName. */
  private async consumer(payload: JsonObject): Promise<StreamConsumer | AwsErrorAnswer> {
    const { registry } = this.options;
    const broken = consumerMemberViolations(payload);
    if (broken.length > 0) return validationOf(broken);
    const arn = payload.ConsumerARN;
    if (arn !== undefined && arn !== null) {
      if (typeof arn !== 'string' || parseConsumerArn(arn) === undefined) {
        return badPattern('consumerARN', arn, CONSUMER_ARN_PATTERN);
      }
      if (
        (payload.StreamARN !== undefined && payload.StreamARN !== null) ||
        (payload.ConsumerName !== undefined && payload.ConsumerName !== null)
      ) {
        return invalidArgument('Provide either ConsumerARN, or StreamARN and ConsumerName, not both.');
      }
      return registry.findByArn(arn) ?? consumerNotFound(arn);
    }
    if (
      (payload.StreamARN === undefined || payload.StreamARN === null) &&
      (payload.ConsumerName === undefined || payload.ConsumerName === null)
    ) {
      return invalidArgument('Provide either ConsumerARN, or StreamARN and ConsumerName.');
    }
    const stream = await this.stream(payload.StreamARN);
    if ('type' in stream) return stream;
    const name = consumerName(payload.ConsumerName);
    if (typeof name !== 'string') return name;
    return (
      registry.find(stream.streamName, name) ?? consumerNotFound(`${name} under stream ${stream.streamName}`)
    );
  }

  /** The stream a StreamARN names, as the backing store describes it. */
  private async stream(
    arn: unknown,
  ): Promise<
    | { streamName: string; streamArn: string; streamStatus: string; createdAt: number | undefined }
    | AwsErrorAnswer
  > {
    if (arn === undefined || arn === null) return missingMember('streamARN');
    const streamName = typeof arn === 'string' ? streamNameOfArn(arn) : undefined;
    if (streamName === undefined) return badPattern('streamARN', arn, STREAM_ARN_PATTERN);
    const answer = await this.options.store.call('DescribeStreamSummary', { StreamName: streamName });
    const summary = answer.body.StreamDescriptionSummary as JsonObject | undefined;
    if (answer.status !== 200 || summary === undefined) return streamNotFound(streamName);
    const streamArn = String(summary.StreamARN);
    // Another account's or region's stream of the same name is not this one.
    if (streamArn !== arn) return streamNotFound(streamName);
    return {
      streamName,
      streamArn,
      streamStatus: String(summary.StreamStatus),
      createdAt: epochMs(summary.StreamCreationTimestamp),
    };
  }
}

function consumerName(value: unknown): string | AwsErrorAnswer {
  const broken = consumerNameViolations(value);
  return broken.length > 0 ? validationOf(broken) : (value as string);
}

/** Whether a page token handed out here (random part, then its issue time) has expired. */
function expiredToken(token: unknown): boolean {
  const issued = typeof token === 'string' ? /^[\w-]{32}\.([0-9a-z]{1,12})$/.exec(token) : null;
  return issued !== null && Number.parseInt(issued[1]!, 36) + TOKEN_LIFETIME_MS <= Date.now();
}
