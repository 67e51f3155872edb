// Everything a consumer-group test needs around a running Redis: the embedded Kinesis, a stream,
// a record feed, the worker processes, and a RedisCheckpointer to look at leases and
// checkpoints. close() stops all of it, whatever state the test left it in.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { LeaseCoordinator, LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/index.js';
import {
  startTestKinesis,
  uniqueStreamName,
  type TestKinesis,
  type TestKinesisOptions,
} from '../support/kinesis.js';
import { uniqueKeyPrefix } from '../support/redis.js';
import { RecordFeed } from './recordFeed.js';
import { WorkerGroup } from './workerGroup.js';

export const SESSION_TIMEOUT_MS = 3000;
export const HEARTBEAT_INTERVAL_MS = 500;
const GROUP = 'consumer-group-test';
/** The stream consumer the workers of a fan-out group share. */
export const FAN_OUT_CONSUMER = 'group-fan-out';

export interface GroupFixture {
  readonly streamName: string;
  /** The session (lease, failover) time of the workers and the observer, in ms. */
  readonly sessionTimeoutMs: number;
  /** A client of the embedded Kinesis (e.g. to split a shard). */
  readonly client: KinesisClient;
  /** The embedded local Kinesis, when the fixture started it itself (fan-out groups). */
  readonly local: LocalKinesis | undefined;
  readonly feed: RecordFeed;
  readonly group: WorkerGroup;
  /** For reading leases and checkpoints from the test (never takes a lease). */
  readonly observer: LeaseCoordinator;
  snapshot(): Promise<LeaseSnapshot>;
  /** Lease snapshots taken while waiting, the latest kept for failure messages. */
  readonly leases: LeaseWatch;
  /** The stored checkpoint position of each shard (undefined: none yet). */
  checkpoints(shardIds: readonly string[]): Promise<Map<string, CheckpointPosition | undefined>>;
  close(): Promise<void>;
}

/** Takes lease snapshots and keeps the latest one. */
export interface LeaseWatch {
  /** Takes a new snapshot and keeps it as `last`. */
  look(): Promise<LeaseSnapshot>;
  /** The latest snapshot `look()` took (the one from the fixture's start before any). */
  readonly last: LeaseSnapshot;
}

export interface GroupFixtureOptions {
  /** checkpoint() in the workers: write after this many items (default 10) ... */
  readonly checkpointBatchSize?: number;
  /** ... or this many ms (default 200). */
  readonly checkpointIntervalMs?: number;
  /** Time each worker's handler takes per item, in ms (default 0). */
  readonly handlerDelayMs?: number;
  /** Each worker's in-flight budget in records (default: the library's). */
  readonly maxQueueSize?: number;
  /** Handlers drop items whose abortSignal fired (default false). */
  readonly abortAware?: boolean;
  /** Keep leases in a new lease table on this DynamoDB endpoint instead of Redis. */
  readonly dynamodbEndpoint?: string;
  /**
   * The DynamoDB lease table is a KCL multi-stream table: the workers use a stream identifier,
   * and the table also holds another stream's leases, held by a KCL worker that is live there.
   */
  readonly dynamodbMultiStream?: boolean;
  /**
   * The workers read with enhanced fan-out (SubscribeToShard), all as one stream consumer
   * (FAN_OUT_CONSUMER), from an embedded local Kinesis the fixture exposes as `local`.
   */
  readonly enhancedFanOut?: boolean;
  /** With enhancedFanOut: how long a stream consumer stays CREATING or DELETING, in ms (default 100). */
  readonly fanOutStatusDelayMs?: number;
  /**
   * Session (lease, failover) time of the workers and the observer, in ms (default
   * SESSION_TIMEOUT_MS). Longer for a group whose store shares the test's own starved process.
   */
  readonly sessionTimeoutMs?: number;
  /** Limits and faults of the embedded Kinesis (default: none; ignored with enhancedFanOut). */
  readonly kinesis?: TestKinesisOptions;
}

export async function startGroupFixture(
  redisUrl: string,
  shards: number,
  options: GroupFixtureOptions = {},
): Promise<GroupFixture> {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const local =
      options.enhancedFanOut === true
        ? await startLocalKinesis({ efo: { consumerStatusDelayMs: options.fanOutStatusDelayMs ?? 100 } })
        : undefined;
    const kinesis: TestKinesis =
      local === undefined ? await startTestKinesis(options.kinesis) : asTestKinesis(local);
    closers.push(() => kinesis.close());
    const client: KinesisClient = kinesis.createClient();
    closers.push(async () => client.destroy());
    const streamName = uniqueStreamName('group');
    await kinesis.createStream(streamName, shards);
    const keyPrefix = uniqueKeyPrefix('group');
    const dynamodb =
      options.dynamodbEndpoint === undefined
        ? undefined
        : {
            endpoint: options.dynamodbEndpoint,
            tableName: `${keyPrefix.replace(/[^A-Za-z0-9_.-]/g, '-')}leases`,
            ...(options.dynamodbMultiStream === true
              ? { streamIdentifier: `123456789012:${streamName}:1700000000` }
              : {}),
          };
    const observer: LeaseCoordinator =
      dynamodb === undefined
        ? new RedisCheckpointer({
            redis: redisUrl,
            name: GROUP,
            keyPrefix,
            sessionTimeout: sessionTimeoutMs,
            heartbeatInterval: HEARTBEAT_INTERVAL_MS,
            // The test's own view of the leases: on a loaded machine a read may wait behind the
            // workers' processes for more than the default half session.
            callTimeout: sessionTimeoutMs,
            retry: { baseMs: 50, capMs: 500, retryLimit: 20 },
          })
        : new DynamoDBCheckpointer({
            endpoint: dynamodb.endpoint,
            region: kinesis.region,
            credentials: kinesis.credentials,
            tableName: dynamodb.tableName,
            ...(dynamodb.streamIdentifier === undefined
              ? {}
              : { streamIdentifier: dynamodb.streamIdentifier }),
            failoverTimeMs: sessionTimeoutMs,
            heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
            // As for Redis above: the test's own view may wait behind the workers' processes.
            callTimeout: 10_000,
          });
    closers.push(() => observer.close());
    if (dynamodb?.streamIdentifier !== undefined)
      closers.push(
        await addOtherStream(
          dynamodb.endpoint,
          kinesis,
          dynamodb.tableName,
          observer,
          streamName,
          sessionTimeoutMs,
        ),
      );
    const feed = new RecordFeed(client, streamName);
    closers.push(() => feed.stop());
    const group = new WorkerGroup({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      redisUrl,
      keyPrefix,
      group: GROUP,
      sessionTimeoutMs,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      checkpointBatchSize: options.checkpointBatchSize ?? 10,
      checkpointIntervalMs: options.checkpointIntervalMs ?? 200,
      ...(options.handlerDelayMs === undefined ? {} : { handlerDelayMs: options.handlerDelayMs }),
      ...(options.maxQueueSize === undefined ? {} : { maxQueueSize: options.maxQueueSize }),
      ...(options.abortAware === undefined ? {} : { abortAware: options.abortAware }),
      ...(dynamodb === undefined ? {} : { dynamodb }),
      ...(local === undefined ? {} : { enhancedFanOut: { consumerName: FAN_OUT_CONSUMER } }),
    });
    closers.push(() => group.killAll());
    let last = await observer.leaseSnapshot(streamName);
    const leases: LeaseWatch = {
      async look() {
        last = await observer.leaseSnapshot(streamName);
        return last;
      },
      get last() {
        return last;
      },
    };
    return {
      streamName,
      sessionTimeoutMs,
      client,
      local,
      feed,
      group,
      observer,
      snapshot: () => observer.leaseSnapshot(streamName),
      leases,
      async checkpoints(shardIds) {
        const positions = new Map<string, CheckpointPosition | undefined>();
        for (const shardId of shardIds) {
          const stored = await observer.getCheckpoint(streamName, shardId);
          positions.set(shardId, stored?.kind === 'position' ? stored.position : undefined);
        }
        return positions;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function asTestKinesis(local: LocalKinesis): TestKinesis {
  return {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
    createClient: () => local.createClient(),
    createStream: (name, shards) => local.createStream(name, shards),
    deleteStream: (name) => local.deleteStream(name),
    get stats() {
      return local.stats;
    },
    close: () => local.close(),
  };
}

/**
 * Another stream's state in a multi-stream lease table: six leases held by a KCL worker that keeps
 * renewing them (their counters move every third of the failover time, as the KCL's renewer does)
 * and its live heartbeat for its stream. None of it may count when our stream balances. Returns the
 * function that stops the renewals.
 */
async function addOtherStream(
  endpoint: string,
  kinesis: TestKinesis,
  tableName: string,
  observer: LeaseCoordinator,
  streamName: string,
  failoverTimeMs: number,
): Promise<() => Promise<void>> {
  await observer.heartbeat(streamName, 'fixture-observer'); // creates both tables
  await observer.leaveGroup(streamName, 'fixture-observer');
  const other = '123456789012:other-stream:1700000001';
  const client = new DynamoDBClient({
    endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 10_000 }),
  });
  const shardIds = Array.from({ length: 6 }, (_, shard) => `shardId-00000000000${shard}`);
  for (const shardId of shardIds)
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          leaseKey: { S: `${other}:${shardId}` },
          streamName: { S: other },
          shardId: { S: shardId },
          leaseOwner: { S: 'kcl-other' },
          leaseCounter: { N: '7' },
          checkpoint: { S: '49590338271490256608559692538361571095921575989136588898' },
          checkpointSubSequenceNumber: { N: '0' },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
      }),
    );
  await client.send(
    new PutItemCommand({
      TableName: `${tableName}-workers`,
      Item: {
        workerId: { S: `${other}:kcl-other` },
        worker: { S: 'kcl-other' },
        streamIdentifier: { S: other },
        expiresAt: { N: String(Date.now() + 3_600_000) },
      },
    }),
  );
  // The KCL worker renews: every lease's counter moves, so observers judge them live. Not more
  // often: the embedded DynamoDB serves every worker from the test's own process, and six writes
  // at each heartbeat would add as much work there as the workers' own renewals.
  let renewing = Promise.resolve();
  const renewEveryMs = Math.floor(failoverTimeMs / 3);
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      for (const shardId of shardIds)
        await client
          .send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { leaseKey: { S: `${other}:${shardId}` } },
              UpdateExpression: 'ADD leaseCounter :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            }),
          )
          .catch(() => undefined);
    });
  }, renewEveryMs);
  return async () => {
    clearInterval(timer);
    await renewing;
    client.destroy();
  };
}
