import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { callDynamoDB, type DynamoDBCallPolicy } from './callDynamoDB.js';
import type { DynamoDBModule } from './loadDynamoDB.js';

/** Hash key of the workers table. */
export const WORKER_ID = 'workerId';
const EXPIRES_AT = 'expiresAt';

/** The workers table that goes with a lease table (the KCL's lease table holds leases only). */
export function workersTableOf(leaseTable: string): string {
  return `${leaseTable}-workers`;
}

/**
 * Group membership in a table of its own: one item per worker with the epoch ms (the worker's
 * clock) its heartbeat lasts until. Used for balancing only.
 */
export class WorkerRegistry {
  constructor(
    private readonly sdk: DynamoDBModule,
    private readonly policy: DynamoDBCallPolicy,
  ) {}

  async heartbeat(table: string, streamName: string, workerId: string, expiresAt: number): Promise<void> {
    await callDynamoDB<unknown>(
      this.policy,
      { operation: 'PutItem', tableName: table, context: { streamName } },
      () =>
        new this.sdk.PutItemCommand({
          TableName: table,
          Item: { [WORKER_ID]: { S: workerId }, [EXPIRES_AT]: { N: String(expiresAt) } },
        }),
    );
  }

  async leave(table: string, streamName: string, workerId: string): Promise<void> {
    await callDynamoDB<unknown>(
      this.policy,
      { operation: 'DeleteItem', tableName: table, context: { streamName } },
      () => new this.sdk.DeleteItemCommand({ TableName: table, Key: { [WORKER_ID]: { S: workerId } } }),
    );
  }

  /** Ids of workers whose heartbeat lasts beyond `now`, sorted. */
  async live(table: string, streamName: string, now: number): Promise<string[]> {
    const live: string[] = [];
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
        const id = item[WORKER_ID]?.S;
        const expiresAt = Number(item[EXPIRES_AT]?.N);
        if (id !== undefined && expiresAt > now) live.push(id);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return live.sort();
  }
}
