import { writeLog } from '../../logging/writeLog.js';
import { callDynamoDB, type DynamoDBCallPolicy } from './callDynamoDB.js';
import { clientRegion } from './clientRegion.js';
import { LeaseTableMissingError } from './errors/LeaseTableMissingError.js';
import type { DynamoDBModule } from './loadDynamoDB.js';

/** A table's `CreationDateTime` as DynamoDB describes it, in epoch ms; undefined when not said. */
export function creationTimeOf(
  table: { readonly CreationDateTime?: unknown } | undefined,
): number | undefined {
  const created = table?.CreationDateTime;
  if (created instanceof Date) return created.getTime();
  return typeof created === 'number' ? created * 1000 : undefined;
}

/**
 * The lease tables as the checkpointer first found them ACTIVE, by their `CreationDateTime`: a table
 * deleted and created again by someone else between two calls has another one. Before an item this
 * checkpointer knew is taken to be gone (see KnownLeaseItems), confirm() checks the table is still
 * the one it knew: one DescribeTable per table at a time, shared by every caller meanwhile, within
 * the call's `callTimeout`. One still waiting for its answer at close() is aborted then (its
 * deadline timer cleared): its callers fail with the checkpointer's CheckpointerClosedError.
 */
export class TableIdentities {
  private readonly created = new Map<string, number>();
  private readonly checking = new Map<string, Promise<void>>();
  /** Tables found created again: every later check fails the same at once. */
  private readonly replaced = new Map<string, LeaseTableMissingError>();

  constructor(
    private readonly sdk: DynamoDBModule,
    private readonly policy: DynamoDBCallPolicy,
    /** Aborted by close(): ends a DescribeTable under way. */
    private readonly closing?: AbortSignal,
  ) {}

  /** Remembers the creation time of a table found ACTIVE, the first time only. */
  remember(tableName: string, createdAt: number | undefined): void {
    if (createdAt !== undefined && !this.created.has(tableName)) this.created.set(tableName, createdAt);
  }

  /**
   * Resolves when `tableName` is the table first found (or its creation time is unknown); fails with
   * LeaseTableMissingError (`deleted`, `recreated`) when it was created again since, or deleted.
   */
  confirm(tableName: string, streamName: string): Promise<void> {
    const known = this.created.get(tableName);
    if (known === undefined) return Promise.resolve();
    const replaced = this.replaced.get(tableName);
    if (replaced !== undefined) return Promise.reject(replaced);
    let check = this.checking.get(tableName);
    if (check === undefined) {
      check = this.check(tableName, streamName, known).finally(() => this.checking.delete(tableName));
      this.checking.set(tableName, check);
    }
    return check;
  }

  private async check(tableName: string, streamName: string, known: number): Promise<void> {
    // A table gone fails as deleted (callDynamoDB: ResourceNotFoundException).
    const answer = await callDynamoDB<{ Table?: { CreationDateTime?: unknown } }>(
      this.closing === undefined ? this.policy : { ...this.policy, signal: this.closing },
      { operation: 'DescribeTable', tableName, context: { streamName } },
      () => new this.sdk.DescribeTableCommand({ TableName: tableName }),
    );
    const createdAt = creationTimeOf(answer.Table);
    if (createdAt === undefined || createdAt === known) return;
    const failure = new LeaseTableMissingError(tableName, streamName, {
      deleted: true,
      recreated: true,
      region: await clientRegion(this.policy.client),
    });
    this.replaced.set(tableName, failure);
    writeLog(this.policy.logger, 'error', 'DynamoDB table deleted and created again while in use', {
      tableName,
      streamName,
      ...(failure.region === undefined ? {} : { region: failure.region }),
      error: failure,
    });
    throw failure;
  }
}
