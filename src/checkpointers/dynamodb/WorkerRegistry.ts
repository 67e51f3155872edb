import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { WorkerCap } from '../LeaseCoordinator.js';
import { callDynamoDB, type DynamoDBCallPolicy } from './callDynamoDB.js';
import type { LeaseKeying } from './LeaseKeying.js';
import type { DynamoDBModule } from './loadDynamoDB.js';

/** Hash key of the workers table. */
export const WORKER_ID = 'workerId';
const EXPIRES_AT = 'expiresAt';
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
 * Group membership in a table of its own: one item per worker with the epoch ms (the worker's
 * clock) its heartbeat lasts until, and the cap it published (each heartbeat replaces the item,
 * so one without a cap clears it). Used for balancing only. In multi-stream mode a lease table
 * holds several streams, so a worker's item is per stream: keyed `<streamIdentifier>:<workerId>`
 * and marked with its stream identifier; each stream counts its own workers only.
 */
export class WorkerRegistry {
  constructor(
    private readonly sdk: DynamoDBModule,
    private readonly policy: DynamoDBCallPolicy,
    private readonly keyingFor: (streamName: string) => LeaseKeying,
  ) {}

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
  ): Promise<void> {
    const scope = this.keyingFor(streamName).streamIdentifier;
    await callDynamoDB<unknown>(
      this.policy,
      { operation: 'PutItem', tableName: table, context: { streamName } },
      () =>
        new this.sdk.PutItemCommand({
          TableName: table,
          Item: {
            [WORKER_ID]: { S: this.keyOf(streamName, workerId) },
            [EXPIRES_AT]: { N: String(expiresAt) },
            ...(cap === undefined ? {} : { [MAX_SHARD_CONSUMERS]: { N: String(cap) } }),
            ...(scope === undefined ? {} : { [STREAM_IDENTIFIER]: { S: scope }, [WORKER]: { S: workerId } }),
          },
        }),
    );
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
  }

  /** Workers whose heartbeat lasts beyond `now`, with their published caps. */
  async live(table: string, streamName: string, now: number): Promise<LiveWorkers> {
    const scope = this.keyingFor(streamName).streamIdentifier;
    const live: string[] = [];
    const caps: WorkerCap[] = [];
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
        const id = scope === undefined ? item[WORKER_ID]?.S : item[WORKER]?.S;
        const expiresAt = Number(item[EXPIRES_AT]?.N);
        if (id === undefined || !(expiresAt > now)) continue;
        live.push(id);
        const cap = Number(item[MAX_SHARD_CONSUMERS]?.N);
        if (Number.isSafeInteger(cap) && cap >= 1) caps.push({ workerId: id, maxShardConsumers: cap });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return {
      workers: live.sort(),
      caps: caps.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0)),
    };
  }
}
