import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { checkedCredentials } from '../../kinesis/checkedCredentials.js';
import type { KinesisCredentials, KinesisCredentialsProvider } from '../../kinesis/createKinesisClient.js';
import { isValidRegion } from '../../kinesis/validateClientOptions.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';
import { defaultHandoffTimeout, validateHandoffTimeout } from '../validateHandoffTimeout.js';
import type { Logger } from '../../logging/Logger.js';
import { validateLogger } from '../../logging/validateLogger.js';
import type { DynamoDBCheckpointerOptions } from './DynamoDBCheckpointerOptions.js';
import { SENTINEL, type InitialCheckpointSentinel } from './kclSentinels.js';
import { multiStreamKeying, singleStreamKeying, type LeaseKeying } from './LeaseKeying.js';
import { steadyNow } from './steadyNow.js';

export interface ResolvedDynamoDBCheckpointerOptions {
  readonly name: string;
  readonly tableFor: (streamName: string) => string;
  /** A table given by name holds one stream (single-stream mode only). */
  readonly singleTable: boolean;
  /** The lease keys of a stream's shards (checked on first use; InvalidOptionError). */
  readonly keyingFor: (streamName: string) => LeaseKeying;
  readonly logger: Logger | undefined;
  readonly createTable: boolean;
  readonly failoverTimeMs: number;
  readonly heartbeatIntervalMs: number;
  readonly handoffTimeoutMs: number;
  readonly handoffReservationMs: number;
  readonly initialPosition: InitialCheckpointSentinel;
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly maxAttempts: number;
  readonly callTimeout: number;
  readonly now: () => number;
  readonly sleep: ((ms: number) => Promise<void>) | undefined;
  readonly region: string | undefined;
  /** The option checked: an object copied (read once), a provider function as it is. */
  readonly credentials: KinesisCredentials | KinesisCredentialsProvider | undefined;
}

/**
 * A DynamoDB table name is 3-255 characters; the workers table beside a lease table adds
 * `-workers` (8) to its name, so a lease table's name is at most 247.
 */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,247}$/;
const TABLE_NAME_RULE =
  'a lease table name is 3-247 of A-Z a-z 0-9 _ - . (DynamoDB allows 255, and its workers table adds "-workers")';

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 2 ** 31 - 1)
    throw new InvalidOptionError(option, value, 'expected a positive integer');
  return value;
}

/**
 * A function option's answer for a stream; what it throws becomes the cause of an
 * InvalidOptionError (the consumer stops at once on one, as on any invalid option).
 */
function called(option: string, fn: (streamName: string) => unknown, streamName: string): unknown {
  try {
    return fn(streamName);
  } catch (error) {
    throw new InvalidOptionError(option, fn, `it threw for stream "${streamName}" (the error is the cause)`, {
      cause: error,
    });
  }
}

/** Every option name: the type makes a new option fail to compile until it is listed here. */
const KNOWN_OPTIONS: Readonly<Record<keyof DynamoDBCheckpointerOptions, true>> = {
  tableName: true,
  streamIdentifier: true,
  logger: true,
  name: true,
  createTable: true,
  failoverTimeMs: true,
  heartbeatIntervalMs: true,
  handoffTimeoutMs: true,
  handoffReservationMs: true,
  initialPosition: true,
  client: true,
  region: true,
  endpoint: true,
  credentials: true,
  connectTimeout: true,
  requestTimeout: true,
  maxAttempts: true,
  callTimeout: true,
  now: true,
  sleep: true,
};

/** Applies defaults and validates; throws InvalidOptionError. */
export function resolveDynamoDBCheckpointerOptions(
  options: DynamoDBCheckpointerOptions,
): ResolvedDynamoDBCheckpointerOptions {
  // A misspelt name (`tablename`) would otherwise leave the default table in use, silently: a
  // new, empty one beside the KCL's. Its value is not shown (it may be a secret's).
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'expected an options object');
  for (const key of Object.keys(options))
    if (!Object.hasOwn(KNOWN_OPTIONS, key)) throw unknownOptionError(key, Object.keys(KNOWN_OPTIONS));
  const name = options.name ?? 'rxjs-kinesis';
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidOptionError('name', name, 'expected a non-empty string');
  const table = options.tableName;
  if (typeof table === 'string' && !TABLE_NAME.test(table))
    throw new InvalidOptionError('tableName', table, TABLE_NAME_RULE);
  if (table !== undefined && typeof table !== 'string' && typeof table !== 'function')
    throw new InvalidOptionError(
      'tableName',
      table,
      'expected a table name or a function of the stream name',
    );
  const tableFor = (streamName: string): string => {
    const resolved =
      typeof table === 'function'
        ? called('tableName', table, streamName)
        : (table ?? `${name}-${streamName}`);
    if (typeof resolved !== 'string' || !TABLE_NAME.test(resolved))
      throw new InvalidOptionError('tableName', resolved, TABLE_NAME_RULE);
    return resolved;
  };
  const identifier = options.streamIdentifier;
  if (identifier !== undefined && typeof identifier !== 'string' && typeof identifier !== 'function')
    throw new InvalidOptionError(
      'streamIdentifier',
      identifier,
      'expected a KCL stream identifier <accountId>:<streamName>:<creationEpoch> or a function of the stream name',
    );
  if (typeof identifier === 'string') {
    const streamName = /^[0-9]+:([^:]+):[0-9]+$/.exec(identifier)?.[1] ?? '';
    multiStreamKeying(identifier, streamName); // checks the format at construction
  }
  const keyings = new Map<string, LeaseKeying>();
  const keyingFor = (streamName: string): LeaseKeying => {
    let keying = keyings.get(streamName);
    if (keying === undefined) {
      keying =
        identifier === undefined
          ? singleStreamKeying(streamName)
          : multiStreamKeying(
              typeof identifier === 'function'
                ? called('streamIdentifier', identifier, streamName)
                : identifier,
              streamName,
            );
      keyings.set(streamName, keying);
    }
    return keying;
  };
  const initialPosition = options.initialPosition ?? SENTINEL.trimHorizon;
  if (initialPosition !== SENTINEL.trimHorizon && initialPosition !== SENTINEL.latest)
    throw new InvalidOptionError('initialPosition', initialPosition, 'expected TRIM_HORIZON or LATEST');
  if (options.createTable !== undefined && typeof options.createTable !== 'boolean')
    throw new InvalidOptionError('createTable', options.createTable, 'expected a boolean');
  const now = options.now ?? steadyNow;
  if (typeof now !== 'function') throw new InvalidOptionError('now', now, 'expected a function');
  if (options.sleep !== undefined && typeof options.sleep !== 'function')
    throw new InvalidOptionError('sleep', options.sleep, 'expected a function (ms) => Promise<void>');
  if (options.region !== undefined && !isValidRegion(options.region))
    throw new InvalidOptionError('region', options.region, 'expected an AWS region such as "eu-west-1"');
  const credentials = checkedCredentials(options.credentials);
  const failoverTimeMs = positiveInteger(options.failoverTimeMs, 'failoverTimeMs', 10_000);
  const heartbeatIntervalMs = positiveInteger(
    options.heartbeatIntervalMs,
    'heartbeatIntervalMs',
    Math.max(1, Math.floor(failoverTimeMs / 4)),
  );
  if (heartbeatIntervalMs >= failoverTimeMs)
    throw options.heartbeatIntervalMs === undefined
      ? new InvalidOptionError(
          'failoverTimeMs',
          failoverTimeMs,
          'must be at least 2 (the heartbeat interval, failoverTimeMs / 4 by default, at least 1, must be below it)',
        )
      : new InvalidOptionError('heartbeatIntervalMs', heartbeatIntervalMs, 'must be below failoverTimeMs');
  const handoffTimeoutMs =
    options.handoffTimeoutMs ?? defaultHandoffTimeout(failoverTimeMs, heartbeatIntervalMs);
  validateHandoffTimeout(handoffTimeoutMs, heartbeatIntervalMs, 'heartbeatIntervalMs', 'failoverTimeMs');
  return {
    name,
    tableFor,
    singleTable: typeof table === 'string' && identifier === undefined,
    keyingFor,
    logger: options.logger === undefined ? undefined : validateLogger(options.logger),
    createTable: options.createTable ?? true,
    failoverTimeMs,
    heartbeatIntervalMs,
    handoffTimeoutMs,
    handoffReservationMs: positiveInteger(
      options.handoffReservationMs,
      'handoffReservationMs',
      2 * heartbeatIntervalMs,
    ),
    initialPosition,
    connectTimeout: positiveInteger(options.connectTimeout, 'connectTimeout', 5_000),
    requestTimeout: positiveInteger(options.requestTimeout, 'requestTimeout', 10_000),
    maxAttempts: positiveInteger(options.maxAttempts, 'maxAttempts', 5),
    callTimeout: positiveInteger(
      options.callTimeout,
      'callTimeout',
      Math.max(1, Math.floor(failoverTimeMs / 2)),
    ),
    now,
    sleep: options.sleep,
    region: options.region,
    credentials,
  };
}
