import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import {
  DEFAULT_CONTROL_PLANE_CALLS_PER_SECOND,
  resolveControlPlaneCallsPerSecond,
  type ControlPlaneOperation,
} from './controlPlaneLimits.js';
import { positiveOption } from './positiveOption.js';

export const MIB = 1024 * 1024;

/** Kinesis limits the local server enforces. Every field defaults to the AWS value. */
export interface LocalKinesisLimits {
  /** Bytes (data + partition key) written per shard per second. Default 1 MiB. */
  readonly writeBytesPerSecond?: number;
  /** Records written per shard per second. Default 1,000. */
  readonly writeRecordsPerSecond?: number;
  /** GetRecords calls per shard per second. Default 5. */
  readonly getRecordsCallsPerSecond?: number;
  /** GetShardIterator calls per shard per second. Default 5. */
  readonly getShardIteratorCallsPerSecond?: number;
  /** Bytes read per shard per second. Default 2 MiB. */
  readonly readBytesPerSecond?: number;
  /** Largest record (data + partition key). Default 1 MiB, the most kinesalite stores. */
  readonly maxRecordBytes?: number;
  /** Most records in one PutRecords. Default 500. */
  readonly maxRecordsPerRequest?: number;
  /** Largest PutRecords request (data + partition keys). Default 5 MiB. */
  readonly maxRequestBytes?: number;
  /** Bytes pushed per second to each registered consumer from each shard (enhanced fan-out). Default 2 MiB. */
  readonly fanOutBytesPerSecond?: number;
  /** SubscribeToShard calls per second per consumer and shard. Default 1. */
  readonly subscribeToShardCallsPerSecond?: number;
  /**
   * Stream consumers in CREATING status at once in the account: RegisterStreamConsumer past it
   * gets LimitExceededException. Default 5.
   */
  readonly maxCreatingConsumers?: number;
  /**
   * Streams in CREATING status at once in the account: CreateStream past it gets
   * LimitExceededException. Default 5.
   */
  readonly maxCreatingStreams?: number;
  /**
   * UpdateShardCount scalings of a stream in any rolling 24 hours (on the server's `clock`):
   * one more gets LimitExceededException. Default 10.
   */
  readonly updateShardCountsPerDay?: number;
  /**
   * Calls per second of the control-plane operations, per account or per stream as AWS counts
   * them (DescribeStream 10 and DescribeStreamSummary 20 per account, ListShards 1,000 per
   * stream, ListStreams 5 per account, ...: `CONTROL_PLANE_LIMITS`); over them a call gets
   * LimitExceededException. Give an operation a number to change its rate, or false to lift it;
   * operations left out keep the AWS rate.
   */
  readonly controlPlaneCallsPerSecond?: Readonly<Partial<Record<ControlPlaneOperation, number | false>>>;
}

export const DEFAULT_LIMITS: Required<LocalKinesisLimits> = {
  writeBytesPerSecond: MIB,
  writeRecordsPerSecond: 1000,
  getRecordsCallsPerSecond: 5,
  getShardIteratorCallsPerSecond: 5,
  readBytesPerSecond: 2 * MIB,
  maxRecordBytes: MIB,
  maxRecordsPerRequest: 500,
  maxRequestBytes: 5 * MIB,
  fanOutBytesPerSecond: 2 * MIB,
  subscribeToShardCallsPerSecond: 1,
  maxCreatingConsumers: 5,
  maxCreatingStreams: 5,
  updateShardCountsPerDay: 10,
  controlPlaneCallsPerSecond: DEFAULT_CONTROL_PLANE_CALLS_PER_SECOND,
};

/** Validates the `limits` option: undefined or false for none, true for the AWS values, or an object. */
export function resolveLimits(limits: unknown): Required<LocalKinesisLimits> | undefined {
  if (limits === undefined || limits === false) return undefined;
  if (limits === true) return { ...DEFAULT_LIMITS };
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidOptionError('limits', limits, 'expected true, false or an object of limits');
  }
  const given = limits as Record<string, unknown>;
  const resolved: Record<string, unknown> = { ...DEFAULT_LIMITS };
  // kinesalite stores at most 1 MiB per record and reads at most 7 MiB per request body.
  const maxima: Partial<Record<keyof LocalKinesisLimits, number>> = {
    maxRecordBytes: MIB,
    maxRequestBytes: 5 * MIB,
    maxRecordsPerRequest: 500,
  };
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new InvalidOptionError(
        `limits.${key}`,
        given[key],
        `known limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`,
      );
    }
    const value = given[key];
    if (key === 'controlPlaneCallsPerSecond') {
      resolved[key] = resolveControlPlaneCallsPerSecond(value);
      continue;
    }
    if (value === undefined) continue;
    const name = key as Exclude<keyof LocalKinesisLimits, 'controlPlaneCallsPerSecond'>;
    resolved[name] = positiveOption(
      value,
      `limits.${key}`,
      name !== 'writeBytesPerSecond' && name !== 'readBytesPerSecond' && name !== 'fanOutBytesPerSecond',
      maxima[name],
    );
  }
  return resolved as unknown as Required<LocalKinesisLimits>;
}
