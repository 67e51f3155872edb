import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { WorkerCap } from '../LeaseCoordinator.js';
import { callDynamoDB, isConditionalCheckFailed, type DynamoDBCallPolicy } from './callDynamoDB.js';
import { HeartbeatObservations, type WorkerHeartbeat } from './HeartbeatObservations.js';
import type { LeaseKeying } from './LeaseKeying.js';
import type { DynamoDBModule } from './loadDynamoDB.js';
import { WORKERS_HASH_KEY } from './workersHashKey.js';

/** Hash key of the workers table. */
export const WORKER_ID = WORKERS_HASH_KEY;
const EXPIRES_AT = 'expiresAt';
/** A new random value with every heartbeat: watched on each observer's own clock. */
const HEARTBEAT_TOKEN = 'heartbeatToken';
/** The maxShardConsumers the worker's heartbeat published; absent: no limit. */
const MAX_SHARD_CONSUMERS = 'maxShardConsumers';
/** Multi-stream mode: the stream identifier a worker item belongs to, and the worker id itself. */
const STREAM_IDENTIFIER = 'streamIdentifier';
const WORKER = 'worker';

/** The workers table that goes with a lease table (the KCL's lease table holds leases only). */
export function workersTableOf(leaseTable: string): string {
  return `${leaseTable}-workers`;
}

/** The live workers of a stream and the caps they published. */
export interface LiveWorkers {
  /** Worker ids, sorted. */
  readonly workers: string[];
  /** Caps of live workers that published one, sorted by worker id. */
  readonly caps: WorkerCap[];
}

/**
 * Group membership in a table of its own: one item per worker with a token each heartbeat
 * changes, the epoch ms (the worker's clock) its heartbeat lasts until, and the cap it published
 * (each heartbeat replaces the item, so one without a cap clears it). A worker is live while its
 * token keeps changing as this process sees it (see HeartbeatObservations): a worker whose clock
 * is ahead or behind is judged as one whose clock is right. `expiresAt` is still written, for
 * earlier versions of this library sharing the table, and read from their items (which have no
 * token). The first observer to judge a worker gone deletes its item (unless its token changed
 * meanwhile), so a process starting later does not count it live for its first ttl. Used for
 * balancing only. In multi-stream mode a lease table
 * holds several streams, so a worker's item is per stream: keyed `<streamIdentifier>:<workerId>`
 * and marked with its stream identifier; each stream counts its own workers only.
 */
export class WorkerRegistry {
  private readonly observations: HeartbeatObservations;
  /** The checkpointer's, addressing workers tables. */
  private readonly policy: DynamoDBCallPolicy;

  constructor(
    private readonly sdk: DynamoDBModule,
    policy: DynamoDBCallPolicy,
    private readonly keyingFor: (streamName: string) => LeaseKeying,
    /** How long a worker whose token stands still stays live, on this process's clock. */
    ttlMs: number,
  ) {
    this.policy = { ...policy, hashKey: WORKER_ID };
    this.observations = new HeartbeatObservations(ttlMs);
  }

  private scopeOf(table: string, streamName: string): string {
    return `${table}\u0000${this.keyingFor(streamName).streamIdentifier ?? ''}`;
  }

  private keyOf(streamName: string, workerId: string): string {
    const scope = this.keyingFor(streamName).streamIdentifier;
    return scope === undefined ? workerId : `${scope}:${workerId}`;
  }

  async heartbeat(
    table: string,
    streamName: string,
    workerId: string,
    expiresAt: number,
    cap: number | undefined,
    sentAt: number,
  ): Promise<void> {
    const scope = this.keyingFor(streamName).streamIdentifier;
    const token = randomUUID();
    await callDynamoDB<unknown>(
      this.policy,
      { operation: 'PutItem', tableName: table, context: { streamName } },
      () =>
        new this.sdk.PutItemCommand({
          TableName: table,
          Item: {
            [WORKER_ID]: { S: this.keyOf(streamName, workerId) },
            [EXPIRES_AT]: { N: String(expiresAt) },
            [HEARTBEAT_TOKEN]: { S: token },
            ...(cap === undefined ? {} : { [MAX_SHARD_CONSUMERS]: { N: String(cap) } }),
            ...(scope === undefined ? {} : { [STREAM_IDENTIFIER]: { S: scope }, [WORKER]: { S: workerId } }),
          },
        }),
    );
    this.observations.wrote(this.scopeOf(table, streamName), this.keyOf(streamName, workerId), token, sentAt);
  }

  async leave(table: string, streamName: string, workerId: string): Promise<void> {
    await callDynamoDB<unknown>(
      this.policy,
      { operation: 'DeleteItem', tableName: table, context: { streamName } },
      () =>
        new this.sdk.DeleteItemCommand({
          TableName: table,
          Key: { [WORKER_ID]: { S: this.keyOf(streamName, workerId) } },
        }),
    );
    this.observations.forget(this.scopeOf(table, streamName), this.keyOf(streamName, workerId));
  }

  /**
   * Workers live at `now()` (read after the scan's answer) as this process judges them, with their
   * published caps. A token seen first counts from that answer, not from when the scan was sent:
   * it may have been written while a slow read was under way.
   */
  async live(table: string, streamName: string, now: () => number): Promise<LiveWorkers> {
    const scope = this.keyingFor(streamName).streamIdentifier;
    const sentAt = now();
    const found: { id: string; heartbeat: WorkerHeartbeat; cap: number }[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await callDynamoDB<{
        Items?: Record<string, AttributeValue>[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(
        this.policy,
        { operation: 'Scan', tableName: table, context: { streamName } },
        () =>
          new this.sdk.ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        if (item[STREAM_IDENTIFIER]?.S !== scope) continue;
        const key = item[WORKER_ID]?.S;
        const id = scope === undefined ? key : item[WORKER]?.S;
        if (key === undefined || id === undefined) continue;
        found.push({ id, heartbeat: heartbeatOf(key, item), cap: Number(item[MAX_SHARD_CONSUMERS]?.N) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const liveKeys = this.observations.live(
      this.scopeOf(table, streamName),
      found.map((entry) => entry.heartbeat),
      sentAt,
      now(),
    );
    const live: string[] = [];
    const caps: WorkerCap[] = [];
    for (const { id, heartbeat, cap } of found) {
      if (!liveKeys.has(heartbeat.key)) {
        if (heartbeat.token !== undefined)
          await this.removeGone(table, streamName, heartbeat.key, heartbeat.token);
        continue;
      }
      live.push(id);
      if (Number.isSafeInteger(cap) && cap >= 1) caps.push({ workerId: id, maxShardConsumers: cap });
    }
    return {
      workers: live.sort(),
      caps: caps.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0)),
    };
  }

  /**
   * Whether one worker is live now as this process judges it, from a fresh (consistent) read of
   * its item: what a release checks before it reserves a lease for that worker. A worker without
   * an item (it left, or was judged gone) is not live.
   */
  async isLive(table: string, streamName: string, workerId: string, now: () => number): Promise<boolean> {
    const key = this.keyOf(streamName, workerId);
    const sentAt = now();
    const answer = await callDynamoDB<{ Item?: Record<string, AttributeValue> }>(
      this.policy,
      { operation: 'GetItem', tableName: table, context: { streamName } },
      () =>
        new this.sdk.GetItemCommand({
          TableName: table,
          Key: { [WORKER_ID]: { S: key } },
          ConsistentRead: true,
        }),
    );
    const item = answer.Item;
    return this.observations.isLive(
      this.scopeOf(table, streamName),
      key,
      item === undefined ? undefined : heartbeatOf(key, item),
      sentAt,
      now(),
    );
  }

  /**
   * Deletes the item of a worker judged gone, unless a heartbeat changed its token meanwhile, so
   * that a process starting later does not count it live for its first ttl (it has not seen the
   * token stand still). Only tidies up: a failure (logged by callDynamoDB) leaves the item, which
   * is still judged gone.
   */
  private async removeGone(table: string, streamName: string, key: string, token: string): Promise<void> {
    try {
      await callDynamoDB<unknown>(
        this.policy,
        { operation: 'DeleteItem', tableName: table, context: { streamName } },
        () =>
          new this.sdk.DeleteItemCommand({
            TableName: table,
            Key: { [WORKER_ID]: { S: key } },
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': HEARTBEAT_TOKEN },
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
        (error) => (isConditionalCheckFailed(error) ? { handled: true, value: undefined } : undefined),
      );
    } catch {
      // Logged by callDynamoDB; the item stays, judged gone by its token standing still.
    }
  }
}

/** The heartbeat a worker item (keyed `key`) holds. */
function heartbeatOf(key: string, item: Record<string, AttributeValue>): WorkerHeartbeat {
  const token = item[HEARTBEAT_TOKEN]?.S;
  const expiresAt = Number(item[EXPIRES_AT]?.N);
  return {
    key,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : 0,
    ...(token !== undefined ? { token } : {}),
  };
}
