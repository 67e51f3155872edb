import type { AwsErrorAnswer } from './awsErrors.js';

/** The JSON types of the Kinesis API model a member can have. */
export type ModelType = 'String' | 'Map' | 'List' | 'Integer' | 'Timestamp' | 'Structure';

const NUMBER_CLASS = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';
const LIST_FOUND = 'Start of list found where not expected';
const MAP_FOUND = 'Start of structure or map found where not expected.';

/**
 * The SerializationException Kinesis answers when a member's JSON value is not of its model
 * type, worded as Kinesis words it (the messages of its JSON reader: a boolean or number where a
 * string goes, a list or map in the wrong place); undefined when the value fits (null fits any).
 */
export function typeMismatch(expected: ModelType, value: unknown): AwsErrorAnswer | undefined {
  if (value === undefined || value === null) return undefined;
  const message = mismatchMessage(expected, value);
  return message === undefined ? undefined : { status: 400, type: 'SerializationException', message };
}

function mismatchMessage(expected: ModelType, value: unknown): string | undefined {
  const isList = Array.isArray(value);
  const isMap = typeof value === 'object' && value !== null && !isList;
  switch (expected) {
    case 'String':
      if (typeof value === 'string') return undefined;
      if (isList) return LIST_FOUND;
      if (isMap) return MAP_FOUND;
      return `${typeof value === 'boolean' ? 'class java.lang.Boolean' : NUMBER_CLASS} can not be converted to an String`;
    case 'Map':
      if (isMap) return undefined;
      return isList ? LIST_FOUND : 'Expected map or null';
    case 'List':
      if (isList) return undefined;
      return isMap ? MAP_FOUND : 'Expected list or null';
    case 'Structure':
      if (isMap) return undefined;
      return isList ? LIST_FOUND : 'Expected null';
    case 'Integer':
    case 'Timestamp': {
      if (typeof value === 'number') return undefined;
      if (isList) return LIST_FOUND;
      if (isMap) return MAP_FOUND;
      const what = typeof value === 'boolean' ? 'class java.lang.Boolean' : 'class java.lang.String';
      return `${what} can not be converted to ${expected === 'Integer' ? 'an Integer' : 'milliseconds since epoch'}`;
    }
  }
}

/**
 * A member's model shape: its JSON type, a list of items of one type, or a structure whose
 * members have their own types (Kinesis checks those too).
 */
type MemberShape =
  ModelType | { readonly listOf: ModelType } | { readonly members: Readonly<Record<string, ModelType>> };

const STREAM_MODE_DETAILS: MemberShape = { members: { StreamMode: 'String' } };
const SHARD_LEVEL_METRICS: MemberShape = { listOf: 'String' };

/**
 * The model types of the members of the operations the front answers itself without the
 * backing store's checks (the backing store checks the types of those it answers).
 */
const MEMBER_TYPES: Readonly<Record<string, Readonly<Record<string, MemberShape>>>> = {
  // The backing store checks CreateStream's other members; it does not know these.
  CreateStream: {
    StreamModeDetails: STREAM_MODE_DETAILS,
    MaxRecordSizeInKiB: 'Integer',
    WarmThroughputMiBps: 'Integer',
  },
  ListStreams: { Limit: 'Integer', ExclusiveStartStreamName: 'String', NextToken: 'String' },
  ListShards: {
    StreamName: 'String',
    StreamARN: 'String',
    NextToken: 'String',
    ExclusiveStartShardId: 'String',
    MaxResults: 'Integer',
    StreamCreationTimestamp: 'Timestamp',
  },
  UpdateShardCount: {
    StreamName: 'String',
    StreamARN: 'String',
    TargetShardCount: 'Integer',
    ScalingType: 'String',
  },
  ListTagsForStream: {
    StreamName: 'String',
    StreamARN: 'String',
    ExclusiveStartTagKey: 'String',
    Limit: 'Integer',
  },
  ListTagsForResource: { ResourceARN: 'String' },
  StartStreamEncryption: {
    StreamName: 'String',
    StreamARN: 'String',
    EncryptionType: 'String',
    KeyId: 'String',
  },
  StopStreamEncryption: {
    StreamName: 'String',
    StreamARN: 'String',
    EncryptionType: 'String',
    KeyId: 'String',
  },
  UpdateStreamMode: {
    StreamARN: 'String',
    StreamModeDetails: STREAM_MODE_DETAILS,
    WarmThroughputMiBps: 'Integer',
  },
  EnableEnhancedMonitoring: {
    StreamName: 'String',
    StreamARN: 'String',
    ShardLevelMetrics: SHARD_LEVEL_METRICS,
  },
  DisableEnhancedMonitoring: {
    StreamName: 'String',
    StreamARN: 'String',
    ShardLevelMetrics: SHARD_LEVEL_METRICS,
  },
  // Stream consumers (enhanced fan-out), which the backing store does not have.
  RegisterStreamConsumer: { StreamARN: 'String', ConsumerName: 'String', Tags: 'Map' },
  DescribeStreamConsumer: { StreamARN: 'String', ConsumerName: 'String', ConsumerARN: 'String' },
  DeregisterStreamConsumer: { StreamARN: 'String', ConsumerName: 'String', ConsumerARN: 'String' },
  ListStreamConsumers: {
    StreamARN: 'String',
    NextToken: 'String',
    MaxResults: 'Integer',
    StreamCreationTimestamp: 'Timestamp',
  },
  SubscribeToShard: {
    ConsumerARN: 'String',
    ShardId: 'String',
    StartingPosition: { members: { Type: 'String', SequenceNumber: 'String', Timestamp: 'Timestamp' } },
  },
  PutResourcePolicy: { ResourceARN: 'String', Policy: 'String' },
  GetResourcePolicy: { ResourceARN: 'String' },
  DeleteResourcePolicy: { ResourceARN: 'String' },
};

/**
 * Operations whose `StreamARN` the front reads (the backing store does not know the member) and
 * that the table above does not list.
 */
const STREAM_ARN_OPERATIONS: ReadonlySet<string> = new Set([
  'AddTagsToStream',
  'DecreaseStreamRetentionPeriod',
  'DeleteStream',
  'DescribeStream',
  'DescribeStreamSummary',
  'GetRecords',
  'GetShardIterator',
  'IncreaseStreamRetentionPeriod',
  'MergeShards',
  'PutRecord',
  'PutRecords',
  'RemoveTagsFromStream',
  'SplitShard',
]);

/** The SerializationException for the first member of a front-answered request of the wrong type. */
export function memberTypeMismatch(
  operation: string,
  payload: Readonly<Record<string, unknown>>,
): AwsErrorAnswer | undefined {
  const types = MEMBER_TYPES[operation];
  if (types === undefined) {
    return STREAM_ARN_OPERATIONS.has(operation) ? typeMismatch('String', payload.StreamARN) : undefined;
  }
  return membersMismatch(types, payload);
}

function membersMismatch(
  shapes: Readonly<Record<string, MemberShape>>,
  value: Readonly<Record<string, unknown>>,
): AwsErrorAnswer | undefined {
  for (const [member, shape] of Object.entries(shapes)) {
    const mismatch = shapeMismatch(shape, value[member]);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}

function shapeMismatch(shape: MemberShape, value: unknown): AwsErrorAnswer | undefined {
  if (typeof shape === 'string') return typeMismatch(shape, value);
  if ('listOf' in shape) {
    const notList = typeMismatch('List', value);
    if (notList !== undefined || !Array.isArray(value)) return notList;
    for (const item of value as unknown[]) {
      const mismatch = typeMismatch(shape.listOf, item);
      if (mismatch !== undefined) return mismatch;
    }
    return undefined;
  }
  const notStructure = typeMismatch('Structure', value);
  if (notStructure !== undefined || typeof value !== 'object' || value === null) return notStructure;
  return membersMismatch(shape.members, value as Readonly<Record<string, unknown>>);
}

/**
 * The request with the Integer members the front reads (see MEMBER_TYPES) as Kinesis reads a
 * JSON number with a fraction there: its whole part (`MaxResults: 2.5` asks for 2). The request
 * itself when none has a fraction.
 */
export function wholeIntegers<T extends Readonly<Record<string, unknown>>>(operation: string, payload: T): T {
  const types = MEMBER_TYPES[operation];
  if (types === undefined) return payload;
  let whole: Record<string, unknown> | undefined;
  for (const [member, shape] of Object.entries(types)) {
    const value = payload[member];
    if (shape !== 'Integer' || typeof value !== 'number' || Number.isInteger(value)) continue;
    if (!Number.isFinite(value)) continue;
    whole ??= { ...payload };
    whole[member] = Math.trunc(value) + 0;
  }
  return (whole as T | undefined) ?? payload;
}
