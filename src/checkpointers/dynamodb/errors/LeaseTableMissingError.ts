import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';
import { WORKERS_HASH_KEY } from '../workersHashKey.js';

/** What a LeaseTableMissingError knows besides the table and the stream. */
export interface LeaseTableMissingDetails {
  /** The table's hash key, `leaseKey` (a lease table, the default) or `workerId` (a workers table). */
  readonly hashKey?: string | undefined;
  /** The table existed and was deleted while the checkpointer used it. */
  readonly deleted?: boolean | undefined;
  /**
   * With `deleted`: the table was found again, created anew (another `CreationDateTime`) and empty
   * of the leases the checkpointer knew, by someone else.
   */
  readonly recreated?: boolean | undefined;
  /** The region of the table, where the client says. */
  readonly region?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The lease table (or the workers table beside it) is missing. Either it did not exist and the
 * DynamoDBCheckpointer was told not to create it (`createTable: false`): create the table (hash
 * key `leaseKey`, type S) or allow the checkpointer to create it. Or (`deleted`) it was deleted
 * while the checkpointer was using it: the checkpoints in a lease table went with it, and the
 * checkpointer does not create it again on its own, which would restart every shard from its
 * initial position unnoticed (nor does the KCL); restart (a new checkpointer creates the table and
 * the shards are read from the configured initial position), or restore the table first. Not
 * retriable: a consumer stops at once with CheckpointerMisconfiguredError.
 */
export class LeaseTableMissingError extends RxjsKinesisError {
  readonly tableName: string;
  /** The region of the table, where known (the client's region). */
  readonly region: string | undefined;
  /** True when the table existed and was deleted while in use; false when it was never there. */
  readonly deleted: boolean;
  /** True when the table was deleted and created again (another CreationDateTime) while in use. */
  readonly recreated: boolean;

  constructor(tableName: string, streamName: string, details: LeaseTableMissingDetails = {}) {
    const hashKey = details.hashKey ?? 'leaseKey';
    const where = `DynamoDB table "${tableName}" (stream ${streamName}${
      details.region === undefined ? '' : `, region ${details.region}`
    })`;
    super(
      details.deleted !== true
        ? `${where} does not exist and createTable is false: ` +
            `create it with hash key "${hashKey}" (S), or pass createTable: true`
        : details.recreated === true
          ? `${where} was deleted and created again while the checkpointer was using it (its ` +
            'CreationDateTime changed): the checkpoints and leases it held are gone, and reading on ' +
            'would start every shard over unnoticed. Restart the consumer to read every shard again ' +
            'from the configured initial position, or first restore the table from a backup to keep ' +
            'the checkpoints'
          : hashKey === WORKERS_HASH_KEY
            ? `${where} was deleted while the checkpointer was using it: it held the workers' ` +
              'heartbeats (the checkpoints are in the lease table); restart the consumer, and a new ' +
              'checkpointer creates it again'
            : `${where} was deleted while the checkpointer was using it: the checkpoints and leases ` +
              'it held are gone, and the checkpointer does not create it again on its own (every shard ' +
              'would start over unnoticed). Restart the consumer to read every shard again from the ' +
              'configured initial position (a new checkpointer creates the table), or first restore ' +
              'the table from a backup to keep the checkpoints',
      { retriable: false, cause: details.cause, context: { streamName } },
    );
    this.tableName = tableName;
    this.region = details.region;
    this.deleted = details.deleted === true;
    this.recreated = this.deleted && details.recreated === true;
  }
}
