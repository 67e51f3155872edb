import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '../../errors/InvalidOptionError.js';
import { unknownOptionError } from '../../errors/unknownOptionError.js';
import { defaultHandoffTimeout, validateHandoffTimeout } from '../validateHandoffTimeout.js';
import type { KinesisCredentials } from '../../kinesis/createKinesisClient.js';
import type { Logger } from '../../logging/Logger.js';
import { validateLogger } from '../../logging/validateLogger.js';
import { SENTINEL, type InitialCheckpointSentinel } from './kclLeaseItem.js';
import { multiStreamKeying, singleStreamKeying, type LeaseKeying } from './LeaseKeying.js';

export interface DynamoDBCheckpointerOptions {
  /**
   * The lease table. A string names one table for one stream, as a KCL application's table
   * (single-stream mode): using the checkpointer with a second stream fails. A function maps each
   * stream to its table. Default: `${name}-${streamName}`. In multi-stream mode
   * (`streamIdentifier`) one table may hold several streams.
   */
  readonly tableName?: string | ((streamName: string) => string);
  /**
   * Multi-stream mode, as a KCL 2.3+ application with a MultiStreamTracker keeps its table: the
   * stream's KCL identifier `<accountId>:<streamName>:<creationEpoch>` (the one the KCL
   * application's StreamIdentifier serializes to), or a function giving it for each stream name.
   * Lease keys are then `<streamIdentifier>:<shardId>`, new items carry the KCL's `streamName`
   * and `shardId` attributes, and the leases of other streams in the table are left alone.
   * Default: single-stream mode (`leaseKey` = shard id).
   */
  readonly streamIdentifier?: string | ((streamName: string) => string);
  /** Where retries, throttling, lease takeovers and losses are logged; nothing is logged without one. */
  readonly logger?: Logger;
  /** Name of the checkpointer (the KCL application name); default `rxjs-kinesis`. */
  readonly name?: string;
  /** Create a missing table (on-demand billing). Default true; false fails with LeaseTableMissingError. */
  readonly createTable?: boolean;
  /**
   * The KCL's failover time: a lease whose `leaseCounter` has not moved for this long may be
   * taken. Default 10,000 ms (the KCL's default).
   */
  readonly failoverTimeMs?: number;
  /** How often a consumer heartbeats and renews its leases, in ms. Default failoverTimeMs / 4. */
  readonly heartbeatIntervalMs?: number;
  /**
   * How long an owner has to honour a handoff request, in ms. Default failoverTimeMs (at least
   * 3 * heartbeatIntervalMs); must be more than two heartbeats (`2 * heartbeatIntervalMs`), or an
   * owner with records in flight could never hand a shard over (InvalidOptionError).
   */
  readonly handoffTimeoutMs?: number;
  /** How long a lease released for a handoff stays reserved for the requester. Default 2 heartbeats. */
  readonly handoffReservationMs?: number;
  /** Checkpoint written in a lease this checkpointer creates. Default TRIM_HORIZON. */
  readonly initialPosition?: InitialCheckpointSentinel;
  /** A DynamoDBClient of your own; region/endpoint/credentials/timeouts are then ignored. */
  readonly client?: DynamoDBClient;
  readonly region?: string;
  /** Endpoint URL (DynamoDB Local, LocalStack, dynalite). Default: `DYNAMODB_ENDPOINT`, else AWS. */
  readonly endpoint?: string;
  readonly credentials?: KinesisCredentials;
  /** Longest wait for a connection, in ms. Default 5,000. */
  readonly connectTimeout?: number;
  /** Deadline of one request, in ms (also applied to a client of your own). Default 10,000. */
  readonly requestTimeout?: number;
  /** Attempts per call on throttling, timeouts, lost connections and 5xx. Default 5. */
  readonly maxAttempts?: number;
  /**
   * Longest time one call may take, retries included, in ms; no retry starts past it. Default
   * `failoverTimeMs / 2`, so a lease operation gives up while the lease can still be renewed.
   */
  readonly callTimeout?: number;
  /**
   * Clock (epoch ms). Default Date.now. Only ever compared with itself: leases, heartbeats, handoff
   * requests and reservations of other workers are judged by when this clock saw them change.
   */
  readonly now?: () => number;
  /** Waits between retries; inject to control time in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

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
    const resolved = typeof table === 'function' ? table(streamName) : (table ?? `${name}-${streamName}`);
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
              typeof identifier === 'function' ? identifier(streamName) : identifier,
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
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new InvalidOptionError('now', now, 'expected a function');
  const failoverTimeMs = positiveInteger(options.failoverTimeMs, 'failoverTimeMs', 10_000);
  const heartbeatIntervalMs = positiveInteger(
    options.heartbeatIntervalMs,
    'heartbeatIntervalMs',
    Math.max(1, Math.floor(failoverTimeMs / 4)),
  );
  if (heartbeatIntervalMs >= failoverTimeMs)
    throw new InvalidOptionError('heartbeatIntervalMs', heartbeatIntervalMs, 'must be below failoverTimeMs');
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
  };
}
