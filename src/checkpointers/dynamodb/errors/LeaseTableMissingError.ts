import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';

/**
 * The lease table (or the workers table beside it) does not exist and the DynamoDBCheckpointer was told not to create it
 * (`createTable: false`). Not retriable: create the table (hash key `leaseKey`, type S) or allow
 * the checkpointer to create it.
 */
export class LeaseTableMissingError extends RxjsKinesisError {
  readonly tableName: string;

  constructor(tableName: string, streamName: string, cause?: unknown, hashKey = 'leaseKey') {
    super(
      `DynamoDB table "${tableName}" (stream ${streamName}) does not exist and createTable is false: ` +
        `create it with hash key "${hashKey}" (S), or pass createTable: true`,
      { retriable: false, cause, context: { streamName } },
    );
    this.tableName = tableName;
  }
}
