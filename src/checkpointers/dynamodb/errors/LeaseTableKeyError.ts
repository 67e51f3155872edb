import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';

/**
 * The lease table (or the workers table beside it) exists with another key than the
 * DynamoDBCheckpointer reads and writes: a hash key `leaseKey` (S), the KCL's, and no sort key
 * (`workerId` (S) for the workers table). Every item request on it would fail. Not retriable:
 * name another table (`tableName`), or create it with that key.
 */
export class LeaseTableKeyError extends RxjsKinesisError {
  readonly tableName: string;
  /** The table's key as DynamoDB describes it, e.g. `id (S)` or `leaseKey (S), sortKey (S)`. */
  readonly key: string;

  constructor(tableName: string, streamName: string, key: string, hashKey = 'leaseKey') {
    super(
      `DynamoDB table "${tableName}" (stream ${streamName}) has the key ${key}, not ${hashKey} (S): ` +
        `it is not a table the checkpointer can use; name another table, or create it with hash key "${hashKey}" (S) alone`,
      { retriable: false, context: { streamName } },
    );
    this.tableName = tableName;
    this.key = key;
  }
}
