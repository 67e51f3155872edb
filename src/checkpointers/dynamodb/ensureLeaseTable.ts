import { writeLog } from '../../logging/writeLog.js';
import { clientRegion } from './clientRegion.js';
import { callDynamoDB, type DynamoDBCallPolicy } from './callDynamoDB.js';
import { LeaseTableKeyError } from './errors/LeaseTableKeyError.js';
import { LeaseTableMissingError } from './errors/LeaseTableMissingError.js';
import { LeaseTableNotActiveError } from './errors/LeaseTableNotActiveError.js';
import { LeaseTableQuotaError } from './errors/LeaseTableQuotaError.js';
import { isTableQuotaExceeded } from './isTableQuotaExceeded.js';
import { KCL } from './kclLeaseItem.js';
import { creationTimeOf } from './TableIdentities.js';
import type { DynamoDBModule } from './loadDynamoDB.js';
import { untilClosed } from './untilClosed.js';

/** The first poll for ACTIVE; each next one waits twice as long, up to ACTIVE_POLL_MAX_MS. */
const ACTIVE_POLL_MS = 100;
const ACTIVE_POLL_MAX_MS = 500;
/**
 * How long one call waits for a table to become ACTIVE. Creating one takes DynamoDB 10–20 s or
 * more (the lease table and the workers table at once): a consumer's first start waits for them,
 * which no retry within its `checkpointerTimeoutMs` would outlast if every call gave up after its
 * `callTimeout`. Only the first calls on a table wait (a table found usable is remembered), before
 * any lease of it is held, so no lease deadline depends on them.
 */
export const TABLE_ACTIVE_WAIT_MS = 120_000;
/**
 * The least budget a DescribeTable of the wait for ACTIVE is sent with: less (a sleep that overran,
 * a slow poll) would abort it, an error logged and thrown in place of LeaseTableNotActiveError.
 */
const MIN_DESCRIBE_MS = 200;
/** A table being updated (capacity, billing mode, an index) serves reads and writes, as the KCL uses it. */
const USABLE = new Set(['ACTIVE', 'UPDATING']);

function named(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/**
 * Makes sure a table exists and is ACTIVE or UPDATING: creates it (hash key `hashKey`, default `leaseKey`, of type S,
 * on-demand billing, as the KCL does) when `create`, else fails with LeaseTableMissingError; an
 * existing table keyed otherwise fails with LeaseTableKeyError, a creation refused for the
 * account's table quota with LeaseTableQuotaError. A table being deleted is waited for
 * and, once gone, created again (or LeaseTableMissingError).
 * The whole of it, requests and waits for the table to become ACTIVE, takes at most
 * TABLE_ACTIVE_WAIT_MS (or `policy.callTimeout` when longer; each request at most `callTimeout`),
 * then fails with LeaseTableNotActiveError (retriable: a later call waits again). It ends at once
 * when `closing` is aborted, failing with its reason. Resolves with the table's creation time
 * (epoch ms; undefined if DynamoDB did not say).
 */
export async function ensureLeaseTable(
  sdk: DynamoDBModule,
  policy: DynamoDBCallPolicy,
  tableName: string,
  streamName: string,
  create: boolean,
  now: () => number,
  hashKey: string = KCL.leaseKey,
  closing?: AbortSignal,
): Promise<number | undefined> {
  const startedAt = now();
  const giveUpAt = startedAt + Math.max(policy.callTimeout, TABLE_ACTIVE_WAIT_MS);
  // Each request gets its callTimeout, or what is left of the wait when less.
  // (Its request is aborted at `closing`.)
  const budget = (): DynamoDBCallPolicy => ({
    ...policy,
    callTimeout: Math.max(1, Math.min(policy.callTimeout, giveUpAt - now())),
    ...(closing !== undefined ? { signal: closing } : {}),
  });
  const what = { tableName, context: { streamName } };
  const describe = () =>
    untilClosed(
      // (A request the table's policy refuses fails at once: LeaseTablePermissionError.)
      callDynamoDB<{ Table?: DescribedTable } | 'missing'>(
        budget(),
        { ...what, operation: 'DescribeTable' },
        () => new sdk.DescribeTableCommand({ TableName: tableName }),
        (error) =>
          named(error, 'ResourceNotFoundException') ? { handled: true, value: 'missing' } : undefined,
      ),
      closing,
    );
  const createTable = async () => {
    closing?.throwIfAborted();
    // ResourceInUseException: another worker created it meanwhile (or a retry's first attempt did).
    // LimitExceededException for the account's table quota: no retry helps (LeaseTableQuotaError);
    // for too many table operations at once, retried as throttling is.
    let refused: unknown;
    const created = await untilClosed(
      callDynamoDB<boolean>(
        budget(),
        { ...what, operation: 'CreateTable' },
        () =>
          new sdk.CreateTableCommand({
            TableName: tableName,
            AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        (error) => {
          if (named(error, 'ResourceInUseException')) return { handled: true, value: false };
          if (!isTableQuotaExceeded(error)) return undefined;
          refused = error;
          return { handled: true, value: false };
        },
      ),
      closing,
    );
    if (refused !== undefined) {
      const region = await clientRegion(policy.client);
      const failure = new LeaseTableQuotaError(tableName, streamName, { hashKey, region, cause: refused });
      // Our wording only: DynamoDB's message is the error's cause.
      writeLog(policy.logger, 'error', 'DynamoDB table quota reached: table not created', {
        tableName,
        streamName,
        ...(region === undefined ? {} : { region }),
      });
      throw failure;
    }
    if (created !== false)
      writeLog(policy.logger, 'info', 'created DynamoDB table', { tableName, streamName, hashKey });
  };
  const missing = async () =>
    new LeaseTableMissingError(tableName, streamName, { hashKey, region: await clientRegion(policy.client) });
  let status = await describe();
  if (status === 'missing') {
    if (!create) throw await missing();
    await createTable();
    status = await describe();
  }
  let deleting = false;
  let pollMs = ACTIVE_POLL_MS;
  const notActive = (last: Exclude<typeof status, undefined>) =>
    new LeaseTableNotActiveError(
      tableName,
      streamName,
      last === 'missing' ? 'missing' : (last.Table?.TableStatus ?? 'without a status'),
      now() - startedAt,
    );
  while (status === 'missing' || !USABLE.has(status.Table?.TableStatus ?? '')) {
    // No time left for another poll and its DescribeTable.
    pollMs = Math.min(pollMs, giveUpAt - now() - MIN_DESCRIBE_MS);
    if (pollMs <= 0) throw notActive(status);
    closing?.throwIfAborted();
    // The default sleep's timer is cancelled at close(), not left to run out.
    await untilClosed(policy.sleep(pollMs, closing), closing);
    pollMs = Math.min(2 * pollMs, ACTIVE_POLL_MAX_MS);
    // The sleep overran what was left for the DescribeTable.
    if (giveUpAt - now() < MIN_DESCRIBE_MS) throw notActive(status);
    if (status !== 'missing') deleting = status.Table?.TableStatus === 'DELETING';
    status = await describe();
    // A table that was being deleted is gone: created again (a new table may still read as missing).
    if (status === 'missing' && deleting) {
      if (!create) throw await missing();
      deleting = false;
      await createTable();
      status = await describe();
    }
  }
  const key = otherKey(status.Table, hashKey);
  if (key !== undefined) throw new LeaseTableKeyError(tableName, streamName, key, hashKey);
  return creationTimeOf(status.Table);
}

interface DescribedTable {
  readonly TableStatus?: string;
  readonly CreationDateTime?: unknown;
  readonly KeySchema?: readonly { readonly AttributeName?: string; readonly KeyType?: string }[];
  readonly AttributeDefinitions?: readonly {
    readonly AttributeName?: string;
    readonly AttributeType?: string;
  }[];
}

/**
 * The table's key, as `name (type), ...`, when it is not `hashKey` (S) alone; undefined when it is
 * (or the description does not say).
 */
function otherKey(table: DescribedTable | undefined, hashKey: string): string | undefined {
  const schema = table?.KeySchema;
  if (schema === undefined || schema.length === 0) return undefined;
  const typeOf = (name: string | undefined) =>
    table?.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType;
  const [first] = schema;
  if (schema.length === 1 && first?.AttributeName === hashKey && (typeOf(hashKey) ?? 'S') === 'S')
    return undefined;
  return schema
    .map((element) => `${String(element.AttributeName)} (${typeOf(element.AttributeName) ?? '?'})`)
    .join(', ');
}
