import { MIB } from './LocalKinesisOptions.js';

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

export function readThrottled(streamName: string, shardId: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: `Rate exceeded for Shard - ${localAccountId()}/${streamName}/${shardId}`,
  };
}

export function tooManyRecords(max: number): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ValidationException',
    message: `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  };
}

/** `path` is `records.N.member.data` (N from 1) for PutRecords, `data` for PutRecord. */
export function recordTooLarge(path: string, max: number): AwsErrorAnswer {
  return {
    status: 400,
    type: 'ValidationException',
    message: `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  };
}

export function requestTooLarge(maxBytes: number): AwsErrorAnswer {
  const size = maxBytes % MIB === 0 ? `${maxBytes / MIB} MB` : `${maxBytes} bytes`;
  return { status: 400, type: 'InvalidArgumentException', message: `Records size exceeds ${size} limit` };
}

export const INTERNAL_FAILURE_MESSAGE = 'Internal service failure.';

export function internalFailure(): AwsErrorAnswer {
  return { status: 500, type: 'InternalFailure', message: INTERNAL_FAILURE_MESSAGE };
}
