import { MIB } from './LocalKinesisLimits.js';
import { violation } from './modelValidation.js';
import { blobShown } from './writeRequestModel.js';

/** An error answer as Kinesis gives it: HTTP status, `__type` and message. */
export interface AwsErrorAnswer {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** The account id kinesalite reports (AWS_ACCOUNT_ID, else twelve zeros). */
export function localAccountId(): string {
  return (process.env.AWS_ACCOUNT_ID ?? '0000-0000-0000').replace(/[^\d]/g, '');
}

/** Message of a throttled write, per entry (PutRecords) or for the whole PutRecord. */
export function writeThrottleMessage(streamName: string, shardId: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${localAccountId()}.`;
}

export function writeThrottled(streamName: string, shardId: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: writeThrottleMessage(streamName, shardId),
  };
}

/** GetShardIterator over the shard's calls per second (worded as a write throttle is). */
export function iteratorThrottled(streamName: string, shardId: string): AwsErrorAnswer {
  return { ...writeThrottled(streamName, shardId) };
}

export function readThrottled(streamName: string, shardId: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: `Rate exceeded for Shard - ${localAccountId()}/${streamName}/${shardId}`,
  };
}

/**
 * A record whose data fits the model's limit but not with its partition key: a record (data +
 * key) over `maxBytes` (`path` is `records.N.member.data`, N from 1, for PutRecords, `data` for
 * PutRecord). Worded as the model check words a blob too large, with the data size this key left.
 */
export function recordTooLarge(
  path: string,
  entry: { readonly data: string; readonly partitionKey: string },
  maxBytes: number,
): AwsErrorAnswer {
  const dataBytes = Buffer.byteLength(entry.data, 'base64');
  const room = Math.max(0, maxBytes - Buffer.byteLength(entry.partitionKey, 'utf8'));
  return validationError(
    `1 validation error detected: ${violation(blobShown(dataBytes), path, `Member must have length less than or equal to ${room}`)}`,
  );
}

export function requestTooLarge(maxBytes: number): AwsErrorAnswer {
  const size = maxBytes % MIB === 0 ? `${maxBytes / MIB} MB` : `${maxBytes} bytes`;
  return { status: 400, type: 'InvalidArgumentException', message: `Records size exceeds ${size} limit` };
}

export const INTERNAL_FAILURE_MESSAGE = 'Internal service failure.';

export function internalFailure(): AwsErrorAnswer {
  return { status: 500, type: 'InternalFailure', message: INTERNAL_FAILURE_MESSAGE };
}

export function invalidArgument(message: string): AwsErrorAnswer {
  return { status: 400, type: 'InvalidArgumentException', message };
}

export function validationError(message: string): AwsErrorAnswer {
  return { status: 400, type: 'ValidationException', message };
}

/**
 * A number outside `min`..`max` at `member`, refused as the Kinesis model check words it: the
 * bound broken is named ("Member must have value greater than or equal to 1", "... less than or
 * equal to 10000"). A value within the bounds but not an integer keeps the range wording.
 */
export function rangeRefusal(value: unknown, member: string, min: number, max: number): AwsErrorAnswer {
  const constraint =
    typeof value === 'number' && value < min
      ? `greater than or equal to ${min}`
      : typeof value === 'number' && value > max
        ? `less than or equal to ${max}`
        : `between ${min} and ${max}`;
  return validationError(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value ${constraint}`,
  );
}

export function resourceInUse(streamName: string, status: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message: `Stream ${streamName} under account ${localAccountId()} not ACTIVE, instead in state ${status}`,
  };
}

/**
 * UpdateShardCount, SplitShard or MergeShards on a stream in on-demand mode: Kinesis offers them
 * for provisioned streams only and answers ValidationException (the message is worded here).
 */
export function onDemandRefusal(operation: string, streamName: string): AwsErrorAnswer {
  return validationError(
    `${operation} is not supported for stream ${streamName} under account ${localAccountId()}, which is in ON_DEMAND capacity mode; it is supported only for streams in PROVISIONED mode.`,
  );
}

/**
 * DeleteStream of a stream with registered consumers, without EnforceConsumerDeletion, worded
 * as Kinesis words it (with its typographic apostrophe).
 */
export function consumersRegistered(streamName: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ResourceInUseException',
    message:
      `DeleteStream can\u2019t delete ${localAccountId()}:${streamName} because there are consumers ` +
      `associated with this data stream. To delete ${streamName} anyway, set the ` +
      'EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that ' +
      'are associated with it.',
  };
}

export function limitExceeded(message: string): AwsErrorAnswer {
  return { status: 400, type: 'LimitExceededException', message };
}

/** The account shard limit refusal, worded as Kinesis words it. */
export function shardLimitExceeded(
  region: string,
  openShards: number,
  limit: number,
  additional: number,
): AwsErrorAnswer {
  return limitExceeded(
    `This request would exceed the shard limit for the account ${localAccountId()} in ${region}. ` +
      `Current shard count for the account: ${openShards}. Limit: ${limit}. Number of additional shards ` +
      `that would have resulted from this request: ${additional}. Refer to the AWS Service Limits page ` +
      '(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how ' +
      'to request higher limits.',
  );
}

/**
 * A capacity mode switch past the two a stream may make in any 24 hours (AWS documents the
 * limit and the exception, not the wording).
 */
export function modeSwitchLimitExceeded(streamName: string, limit: number): AwsErrorAnswer {
  return limitExceeded(
    `Stream ${streamName} under account ${localAccountId()} has had its capacity mode updated ` +
      `${limit} times within the last 24 hours, the most allowed.`,
  );
}

/**
 * The refusal of a new on-demand stream (CreateStream, or UpdateStreamMode of a provisioned one)
 * past the account's on-demand stream limit. AWS documents the limit, not its wording: worded here.
 */
export function onDemandStreamLimitExceeded(onDemandStreams: number, limit: number): AwsErrorAnswer {
  return limitExceeded(
    `This request would exceed the limit of ${limit} streams in ON_DEMAND mode for the account ` +
      `${localAccountId()}. Current ON_DEMAND stream count for the account: ${onDemandStreams}.`,
  );
}

/** The error answer an SDK call to the backing store failed with (its status, name and message). */
export function answerOfSdkError(error: unknown): AwsErrorAnswer {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = fields.$metadata?.httpStatusCode;
  if (typeof status !== 'number' || status < 400) {
    return {
      ...internalFailure(),
      message: `${INTERNAL_FAILURE_MESSAGE} ${String(fields.message ?? error)}`,
    };
  }
  return {
    status,
    type: typeof fields.name === 'string' ? fields.name : 'InternalFailure',
    message: typeof fields.message === 'string' ? fields.message : INTERNAL_FAILURE_MESSAGE,
  };
}
