import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Lease } from '../Checkpointer.js';
import { writeLog } from '../../logging/writeLog.js';
import { callDynamoDB, isConditionalCheckFailed, type DynamoDBCallPolicy } from './callDynamoDB.js';
import { isLeaseEntity, KCL, type LeaseItem } from './kclLeaseItem.js';
import type { KnownLeaseItems } from './KnownLeaseItems.js';
import type { LeaseKeying } from './LeaseKeying.js';
import { UnreadableCheckpoints } from './UnreadableCheckpoints.js';
import { TAKE_TOKEN } from './leaseTake.js';
import type { DynamoDBModule } from './loadDynamoDB.js';

/** Attributes a write through a held lease sets and removes (besides `leaseCounter`). */
export type LeaseItemUpdate = {
  readonly set: Record<string, AttributeValue>;
  /** Set only where the item has no such attribute (`if_not_exists`): never overwrites. */
  readonly setIfMissing?: Record<string, AttributeValue>;
  readonly remove?: readonly string[];
};

const HANDLED_CONDITION = (error: unknown) =>
  isConditionalCheckFailed(error)
    ? { handled: true as const, value: 'condition-failed' as const }
    : undefined;

/**
 * What a write that takes a lease did: applied (with DynamoDB's answer), refused by its condition
 * (every attempt answered), or unknown: an attempt's answer was lost, so it may have been applied
 * though a retry's condition failed (`failure` undefined) or the call failed (`failure`).
 */
export type TakeResult<T> =
  | { readonly status: 'applied'; readonly value: T }
  | { readonly status: 'refused' }
  | { readonly status: 'unknown'; readonly failure?: unknown };

const REFUSED: unique symbol = Symbol('refused');

/**
 * Reads and writes of the lease items of a lease table (one item per shard; `leaseKey` = shard id,
 * or `<streamIdentifier>:<shardId>` in multi-stream mode, see LeaseKeying). Conditional writes
 * answer 'condition-failed' when their condition does not hold.
 */
export class LeaseItemStore {
  /** Stream identifiers already warned about (one warning each). */
  private readonly strays = new Set<string>();
  private readonly unreadable: UnreadableCheckpoints;

  constructor(
    private readonly sdk: DynamoDBModule,
    private readonly policy: DynamoDBCallPolicy,
    private readonly keyingFor: (streamName: string) => LeaseKeying,
    /** Items seen present: one read as absent is trusted once the table is confirmed the same. */
    private readonly known: KnownLeaseItems,
  ) {
    this.unreadable = new UnreadableCheckpoints(policy.logger);
  }

  private keyOf(streamName: string, shardId: string): Record<string, AttributeValue> {
    return { [KCL.leaseKey]: { S: this.keyingFor(streamName).keyOf(shardId) } };
  }

  /** The shard an item of `streamName`'s table is the lease of; undefined for another stream's item. */
  shardIdOf(streamName: string, item: LeaseItem): string | undefined {
    return this.keyingFor(streamName).shardIdOf(item);
  }

  /** A shard's lease item (consistent read), or undefined. */
  async get(table: string, streamName: string, shardId: string): Promise<LeaseItem | undefined> {
    const sentAt = this.known.mark();
    const answer = await callDynamoDB<{ Item?: LeaseItem }>(
      this.policy,
      { operation: 'GetItem', tableName: table, context: { streamName, shardId } },
      () =>
        new this.sdk.GetItemCommand({
          TableName: table,
          Key: this.keyOf(streamName, shardId),
          ConsistentRead: true,
        }),
    );
    const leaseKey = this.keyingFor(streamName).keyOf(shardId);
    if (answer.Item === undefined) await this.known.absent(table, streamName, [leaseKey], sentAt);
    else {
      this.known.present(table, leaseKey);
      this.unreadable.check(table, streamName, shardId, answer.Item);
    }
    return answer.Item;
  }

  /**
   * Every lease item of a stream in its table (consistent scan, all pages); other streams' are left
   * out, and so are the items of a KCL 3.5 table that are not leases.
   */
  async scan(table: string, streamName: string): Promise<LeaseItem[]> {
    const items: LeaseItem[] = [];
    const sentAt = this.known.mark();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await callDynamoDB<{
        Items?: LeaseItem[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(
        this.policy,
        { operation: 'Scan', tableName: table, context: { streamName } },
        () =>
          new this.sdk.ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const keying = this.keyingFor(streamName);
    const leases = items.filter(isLeaseEntity); // a KCL 3.5 table also holds its other entities
    await this.known.scanned(
      table,
      streamName,
      leases.flatMap((item) => {
        const key = item[KCL.leaseKey]?.S;
        return key === undefined ? [] : [key];
      }),
      sentAt,
    );
    for (const item of leases) {
      const stray = keying.strayIdentifierOf(item);
      if (stray === undefined || this.strays.has(`${table}\u0000${stray}`)) continue;
      this.strays.add(`${table}\u0000${stray}`);
      writeLog(
        this.policy.logger,
        'warn',
        keying.streamIdentifier === undefined
          ? 'DynamoDB lease table holds this stream as a KCL multi-stream table: pass its identifier as streamIdentifier'
          : 'DynamoDB lease table holds this stream under another identifier',
        {
          tableName: table,
          streamName,
          ...(keying.streamIdentifier === undefined ? {} : { streamIdentifier: keying.streamIdentifier }),
          otherIdentifier: stray,
        },
      );
    }
    const ours = leases.filter((item) => keying.shardIdOf(item) !== undefined);
    for (const item of ours) this.unreadable.check(table, streamName, keying.shardIdOf(item), item);
    return ours;
  }

  /** Puts a shard's first lease item (its key attributes added here); 'condition-failed' if it has one. */
  create(
    table: string,
    streamName: string,
    shardId: string,
    attributes: Record<string, AttributeValue>,
  ): Promise<unknown> {
    return callDynamoDB<unknown>(
      this.policy,
      { operation: 'PutItem', tableName: table, context: { streamName, shardId } },
      () => this.createCommand(table, streamName, shardId, attributes),
      HANDLED_CONDITION,
    );
  }

  private createCommand(
    table: string,
    streamName: string,
    shardId: string,
    attributes: Record<string, AttributeValue>,
  ): { readonly input: object } {
    return new this.sdk.PutItemCommand({
      TableName: table,
      Item: {
        ...attributes,
        ...this.keyingFor(streamName).identity(shardId),
        ...this.keyOf(streamName, shardId),
      },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': KCL.leaseKey },
    });
  }

  /** create(), for a write that takes the lease: says when its outcome is unknown (see TakeResult). */
  takeCreate(
    table: string,
    streamName: string,
    shardId: string,
    attributes: Record<string, AttributeValue>,
  ): Promise<TakeResult<unknown>> {
    return this.take(table, streamName, shardId, 'PutItem', () =>
      this.createCommand(table, streamName, shardId, attributes),
    );
  }

  /** update(), for a write that takes the lease: says when its outcome is unknown (see TakeResult). */
  takeUpdate<T>(
    table: string,
    streamName: string,
    shardId: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<TakeResult<T>> {
    return this.take(table, streamName, shardId, 'UpdateItem', () =>
      this.updateCommand(table, streamName, shardId, input),
    );
  }

  private async take<T>(
    table: string,
    streamName: string,
    shardId: string,
    operation: string,
    makeCommand: () => { readonly input: object },
  ): Promise<TakeResult<T>> {
    let answerLost = false;
    try {
      const value = await callDynamoDB<T | typeof REFUSED>(
        this.policy,
        { operation, tableName: table, context: { streamName, shardId } },
        makeCommand,
        (error, attempts) => {
          answerLost = attempts.answerLost;
          return isConditionalCheckFailed(error) ? { handled: true, value: REFUSED } : undefined;
        },
      );
      if (value !== REFUSED) {
        this.known.present(table, this.keyingFor(streamName).keyOf(shardId));
        return { status: 'applied', value };
      }
      return answerLost ? { status: 'unknown' } : { status: 'refused' };
    } catch (failure) {
      if (answerLost) return { status: 'unknown', failure };
      throw failure;
    }
  }

  /** One conditional UpdateItem on a shard's lease item; 'condition-failed' if its condition fails. */
  update<T>(
    table: string,
    streamName: string,
    shardId: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<T | 'condition-failed'> {
    return callDynamoDB<T | 'condition-failed'>(
      this.policy,
      { operation: 'UpdateItem', tableName: table, context: { streamName, shardId } },
      () => this.updateCommand(table, streamName, shardId, input),
      HANDLED_CONDITION,
    );
  }

  private updateCommand(
    table: string,
    streamName: string,
    shardId: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): { readonly input: object } {
    return new this.sdk.UpdateItemCommand({
      ...input,
      TableName: table,
      Key: this.keyOf(streamName, shardId),
    });
  }

  /**
   * Deletes a shard's lease item on condition that its `leaseCounter` is still `counter`, the
   * value read (no take, renewal or checkpoint since; of whatever type a hand edit left; undefined:
   * the item has none). 'condition-failed' if it changed or is gone (a retried delete whose first
   * attempt landed answers so too).
   */
  async deleteAtCounter(
    table: string,
    streamName: string,
    shardId: string,
    counter: AttributeValue | undefined,
  ): Promise<unknown> {
    const reply = await callDynamoDB<unknown>(
      this.policy,
      { operation: 'DeleteItem', tableName: table, context: { streamName, shardId } },
      () =>
        new this.sdk.DeleteItemCommand({
          TableName: table,
          Key: this.keyOf(streamName, shardId),
          ConditionExpression:
            counter === undefined
              ? 'attribute_exists(#key) AND attribute_not_exists(#counter)'
              : '#counter = :counter',
          ExpressionAttributeNames:
            counter === undefined
              ? { '#key': KCL.leaseKey, '#counter': KCL.leaseCounter }
              : { '#counter': KCL.leaseCounter },
          ...(counter === undefined ? {} : { ExpressionAttributeValues: { ':counter': counter } }),
        }),
      HANDLED_CONDITION,
    );
    if (reply !== 'condition-failed') this.known.deleted(table, this.keyingFor(streamName).keyOf(shardId));
    return reply;
  }

  /**
   * Applies `update` and moves `leaseCounter` from `counter` to `next`, on condition that the
   * item still has that counter and `lease.owner`. Removes the token of the write that took the
   * lease (see TAKE_TOKEN): once the holder wrote through it, the take is settled.
   */
  updateThroughLease(
    table: string,
    lease: Lease,
    counter: number,
    next: number,
    update: LeaseItemUpdate,
  ): Promise<unknown> {
    const names: Record<string, string> = { '#counter': KCL.leaseCounter, '#owner': KCL.leaseOwner };
    const values: Record<string, AttributeValue> = {
      ':counter': { N: String(counter) },
      ':next': { N: String(next) },
      ':owner': { S: lease.owner },
    };
    const sets = ['#counter = :next'];
    Object.entries(update.set).forEach(([attribute, value], index) => {
      names[`#a${index}`] = attribute;
      values[`:a${index}`] = value;
      sets.push(`#a${index} = :a${index}`);
    });
    Object.entries(update.setIfMissing ?? {}).forEach(([attribute, value], index) => {
      names[`#m${index}`] = attribute;
      values[`:m${index}`] = value;
      sets.push(`#m${index} = if_not_exists(#m${index}, :m${index})`);
    });
    const removes = [...(update.remove ?? []), TAKE_TOKEN].map((attribute, index) => {
      names[`#r${index}`] = attribute;
      return `#r${index}`;
    });
    return this.update<unknown>(table, lease.streamName, lease.shardId, {
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ConditionExpression: '#counter = :counter AND #owner = :owner',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }
}
