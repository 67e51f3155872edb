import type { KinesisCredentials, KinesisCredentialsProvider } from '../../kinesis/createKinesisClient.js';
import type { Logger } from '../../logging/Logger.js';
import type { DynamoDBClientLike } from './DynamoDBClientLike.js';
import type { InitialCheckpointSentinel } from './kclSentinels.js';

// No type of @aws-sdk/client-dynamodb here: it is an optional peer, and these declarations are
// part of the package's public types (they must compile without it installed).
export interface DynamoDBCheckpointerOptions {
  /**
   * The lease table. A string names one table for one stream, as a KCL application's table
   * (single-stream mode): using the checkpointer with a second stream fails. A function maps each
   * stream to its table. Default: `${name}-${streamName}`. In multi-stream mode
   * (`streamIdentifier`) one table may hold several streams.
   */
  readonly tableName?: (string | ((streamName: string) => string)) | undefined;
  /**
   * Multi-stream mode, as a KCL 2.3+ application with a MultiStreamTracker keeps its table: the
   * stream's KCL identifier `<accountId>:<streamName>:<creationEpoch>` (the one the KCL
   * application's StreamIdentifier serializes to), or a function giving it for each stream name.
   * Lease keys are then `<streamIdentifier>:<shardId>`, new items carry the KCL's `streamName`
   * and `shardId` attributes, and the leases of other streams in the table are left alone.
   * Default: single-stream mode (`leaseKey` = shard id).
   */
  readonly streamIdentifier?: (string | ((streamName: string) => string)) | undefined;
  /** Where retries, throttling, lease takeovers and losses are logged; nothing is logged without one. */
  readonly logger?: Logger | undefined;
  /** Name of the checkpointer (the KCL application name); default `rxjs-kinesis`. */
  readonly name?: string | undefined;
  /** Create a missing table (on-demand billing). Default true; false fails with LeaseTableMissingError. */
  readonly createTable?: boolean | undefined;
  /**
   * The KCL's failover time: a lease whose `leaseCounter` has not moved for this long may be
   * taken. Default 10,000 ms (the KCL's default).
   */
  readonly failoverTimeMs?: number | undefined;
  /** How often a consumer heartbeats and renews its leases, in ms. Default failoverTimeMs / 4. */
  readonly heartbeatIntervalMs?: number | undefined;
  /**
   * How long an owner has to honour a handoff request, in ms. Default failoverTimeMs (at least
   * 3 * heartbeatIntervalMs); must be more than two heartbeats (`2 * heartbeatIntervalMs`), or an
   * owner with records in flight could never hand a shard over (InvalidOptionError).
   */
  readonly handoffTimeoutMs?: number | undefined;
  /** How long a lease released for a handoff stays reserved for the requester. Default 2 heartbeats. */
  readonly handoffReservationMs?: number | undefined;
  /** Checkpoint written in a lease this checkpointer creates. Default TRIM_HORIZON. */
  readonly initialPosition?: InitialCheckpointSentinel | undefined;
  /** A DynamoDBClient of your own; region/endpoint/credentials/timeouts are then ignored. */
  readonly client?: DynamoDBClientLike | undefined;
  readonly region?: string | undefined;
  /** Endpoint URL (DynamoDB Local, LocalStack, dynalite). Default: `DYNAMODB_ENDPOINT`, else AWS. */
  readonly endpoint?: string | undefined;
  /**
   * Static credentials, or a provider of temporary ones (called again before they expire; each
   * call has a deadline of connectTimeout + requestTimeout). Default: the SDK's provider chain.
   */
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider | undefined;
  /** Longest wait for a connection, in ms. Default 5,000. */
  readonly connectTimeout?: number | undefined;
  /** Deadline of one request, in ms (also applied to a client of your own). Default 10,000. */
  readonly requestTimeout?: number | undefined;
  /** Attempts per call on throttling, timeouts, lost connections and 5xx. Default 5. */
  readonly maxAttempts?: number | undefined;
  /**
   * Longest time one call may take, retries included, in ms; no retry starts past it. Default
   * `failoverTimeMs / 2`, so a lease operation gives up while the lease can still be renewed.
   */
  readonly callTimeout?: number | undefined;
  /**
   * Clock (epoch ms). Default: the wall clock at the process's start plus a monotonic clock since,
   * which a step of the wall clock does not move. Only ever compared with itself: leases,
   * heartbeats, handoff requests and reservations of other workers are judged by when this clock
   * saw them change.
   */
  readonly now?: (() => number) | undefined;
  /** Waits between retries; inject to control time in tests. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}
