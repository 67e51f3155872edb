import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';

/**
 * The lease table (or the workers table beside it) does not exist and the DynamoDBCheckpointer was told not to create it
 * (`createTable: false`), or it did not become usable (ACTIVE) within the checkpointer's wait
 * (`status` then says how it stayed, e.g. CREATING). Not retriable: create the table (hash key
 * `leaseKey`, type S) or allow the checkpointer to create it.
 */
export class LeaseTableMissingError extends RxjsKinesisError {
  readonly tableName: string;
  /** The table's status when it stayed unusable; undefined when it does not exist. */
  readonly status: string | undefined;

  constructor(tableName: string, streamName: string, cause?: unknown, hashKey = 'leaseKey', status?: string) {
    super(
      status === undefined
        ? `DynamoDB table "${tableName}" (stream ${streamName}) does not exist and createTable is false: ` +
            `create it with hash key "${hashKey}" (S), or pass createTable: true`
        : `DynamoDB table "${tableName}" (stream ${streamName}) is still ${status}, not ACTIVE, ` +
            'after the checkpointer waited for it: wait until it is ACTIVE, or name another table',
      { retriable: false, cause, context: { streamName } },
    );
    this.tableName = tableName;
    this.status = status;
  }
}
