import { streamNameOfArn } from '../streamArn.js';
import { enumViolations, requiredStringViolations, SHARD_ID, violation } from '../modelValidation.js';
import type { JsonObject } from '../UpstreamAnswer.js';
import { parseConsumerArn } from './consumerArn.js';

/** ConsumerName in the API model: 1 to 128 characters of [a-zA-Z0-9_.-]. */
const CONSUMER_NAME_MODEL = { min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' } as const;
export const STREAM_ARN_PATTERN = 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+';
const CONSUMER_ARN_PATTERN =
  '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';
const STARTING_POSITION_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
] as const;
/** The pattern of a SequenceNumber in the Kinesis API model. */
const SEQUENCE_NUMBER_PATTERN = '0|([1-9]\\d{0,128})';
const SEQUENCE_NUMBER = /^(?:0|[1-9]\d{0,128})$/;

/** What the model says of a required member that this front reads with its own pattern test. */
function patternViolations(member: string, value: unknown, matches: boolean, pattern: string): string[] {
  if (value === undefined || value === null) return [violation(null, member, 'Member must not be null')];
  return matches
    ? []
    : [violation(String(value), member, `Member must satisfy regular expression pattern: ${pattern}`)];
}

/** A required StreamARN: present, and a stream ARN. */
export function streamArnViolations(value: unknown): string[] {
  const matches = typeof value === 'string' && streamNameOfArn(value) !== undefined;
  return patternViolations('streamARN', value, matches, STREAM_ARN_PATTERN);
}

/** A required ConsumerName: present, 1 to 128 characters of [a-zA-Z0-9_.-]. */
export function consumerNameViolations(value: unknown): string[] {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    return [
      violation(
        String(value),
        'consumerName',
        `Member must satisfy regular expression pattern: ${CONSUMER_NAME_MODEL.pattern}`,
      ),
    ];
  }
  return requiredStringViolations('consumerName', value, CONSUMER_NAME_MODEL);
}

/** A StartingPosition's members (the position itself required): Type, and SequenceNumber's pattern. */
export function startingPositionViolations(value: unknown): string[] {
  if (value === undefined || value === null || typeof value !== 'object') {
    return [violation(null, 'startingPosition', 'Member must not be null')];
  }
  const { Type: type, SequenceNumber: sequenceNumber } = value as JsonObject;
  const broken: string[] = [];
  if (typeof sequenceNumber === 'string' && !SEQUENCE_NUMBER.test(sequenceNumber)) {
    broken.push(
      violation(
        sequenceNumber,
        'startingPosition.sequenceNumber',
        `Member must satisfy regular expression pattern: ${SEQUENCE_NUMBER_PATTERN}`,
      ),
    );
  }
  broken.push(...enumViolations('startingPosition.type', type, STARTING_POSITION_TYPES, true));
  return broken;
}

/**
 * Every member of a SubscribeToShard request the model refuses (ConsumerARN, ShardId,
 * StartingPosition: missing or malformed), to be listed in one ValidationException.
 */
export function subscribeToShardViolations(payload: JsonObject): string[] {
  const { ConsumerARN: arn, ShardId: shardId } = payload;
  const shardIdBroken =
    shardId !== undefined && shardId !== null && typeof shardId !== 'string'
      ? [
          violation(
            String(shardId),
            'shardId',
            `Member must satisfy regular expression pattern: ${SHARD_ID.pattern ?? ''}`,
          ),
        ]
      : requiredStringViolations('shardId', shardId, SHARD_ID);
  return [
    ...consumerArnViolations(arn),
    ...shardIdBroken,
    ...startingPositionViolations(payload.StartingPosition),
  ];
}

/**
 * The members naming a consumer in DescribeStreamConsumer and DeregisterStreamConsumer, all
 * optional in the model: each one given that the model refuses (ConsumerARN, StreamARN,
 * ConsumerName), to be listed in one ValidationException.
 */
export function consumerMemberViolations(payload: JsonObject): string[] {
  const given = (value: unknown): boolean => value !== undefined && value !== null;
  const { ConsumerARN: arn, StreamARN: streamArn, ConsumerName: name } = payload;
  return [
    ...(given(arn) ? consumerArnViolations(arn) : []),
    ...(given(streamArn) ? streamArnViolations(streamArn) : []),
    ...(given(name) ? consumerNameViolations(name) : []),
  ];
}

/** A required ConsumerARN: present, and a consumer ARN. */
function consumerArnViolations(value: unknown): string[] {
  const matches = typeof value === 'string' && parseConsumerArn(value) !== undefined;
  return patternViolations('consumerARN', value, matches, CONSUMER_ARN_PATTERN);
}
