import { validationError, invalidArgument, type AwsErrorAnswer } from './awsErrors.js';

type JsonObject = Record<string, unknown>;

const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** Operations whose stream kinesalite reads from `StreamName` (a request may name it by StreamARN). */
export const NAMED_BY_STREAM_NAME: ReadonlySet<string> = new Set([
  'AddTagsToStream',
  'CreateStream',
  'DecreaseStreamRetentionPeriod',
  'DeleteStream',
  'DescribeStream',
  'DescribeStreamSummary',
  'DisableEnhancedMonitoring',
  'EnableEnhancedMonitoring',
  'GetShardIterator',
  'IncreaseStreamRetentionPeriod',
  'ListShards',
  'ListTagsForStream',
  'MergeShards',
  'PutRecord',
  'PutRecords',
  'RemoveTagsFromStream',
  'SplitShard',
  'StartStreamEncryption',
  'StopStreamEncryption',
  'UpdateShardCount',
  'UpdateStreamMode',
]);

/** The stream name in a stream ARN, or undefined if `arn` is not one. */
export function streamNameOfArn(arn: string): string | undefined {
  return STREAM_ARN.exec(arn)?.[1];
}

/**
 * Rewrites a request that names its stream by `StreamARN` (as the SDKs, boto3 and the AWS CLI
 * may) into the `StreamName` form the backing store understands. A request naming both must
 * name the same stream. Returns the payload to use, or the error answer Kinesis would give.
 */
export function resolveStreamArn(
  operation: string,
  payload: JsonObject,
): { readonly payload: JsonObject } | { readonly error: AwsErrorAnswer } {
  const arn = payload.StreamARN;
  if (arn === undefined || arn === null) return { payload };
  const name = typeof arn === 'string' ? streamNameOfArn(arn) : undefined;
  if (name === undefined) {
    return {
      error: validationError(
        `1 validation error detected: Value '${String(arn)}' at 'streamARN' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
      ),
    };
  }
  if (typeof payload.StreamName === 'string' && payload.StreamName !== name) {
    return {
      error: invalidArgument(
        `StreamARN ${String(arn)} and StreamName ${payload.StreamName} name different streams.`,
      ),
    };
  }
  const { StreamARN: _arn, ...rest } = payload;
  return { payload: NAMED_BY_STREAM_NAME.has(operation) ? { ...rest, StreamName: name } : rest };
}

/** The stream a request names, by StreamName or by StreamARN. */
export function streamNameOf(payload: JsonObject): string | undefined {
  if (typeof payload.StreamName === 'string') return payload.StreamName;
  if (typeof payload.StreamARN === 'string') {
    const match = /:stream\/([^/]+)$/.exec(payload.StreamARN);
    return match?.[1];
  }
  return undefined;
}
