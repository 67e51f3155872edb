import { RxjsKinesisError } from '../../../errors/RxjsKinesisError.js';

/**
 * DynamoDB refused a request on the lease table (or the workers table beside it)
 * (AccessDeniedException): the credentials lack the permission `permission` on the table, e.g.
 * `dynamodb:DescribeTable` (or `dynamodb:CreateTable` where the checkpointer creates a missing
 * table) to set the table up, although item requests may be allowed, or an item request's
 * (`dynamodb:GetItem`, `PutItem`, `UpdateItem`, `DeleteItem`, `Scan`). Not retriable: no retry
 * changes a policy, so a consumer stops at once with CheckpointerMisconfiguredError. Grant the
 * permission on the table's ARN. DynamoDB's own message (which names the caller's identity) is
 * kept out of this one and out of the log; it is the `cause`.
 */
export class LeaseTablePermissionError extends RxjsKinesisError {
  readonly tableName: string;
  /** The request DynamoDB refused, e.g. `DescribeTable`. */
  readonly operation: string;
  /** The IAM action the checkpointer needs on the table, e.g. `dynamodb:DescribeTable`. */
  readonly permission: string;
  /** The region of the table, where known (the client's region). */
  readonly region: string | undefined;

  constructor(
    tableName: string,
    streamName: string,
    operation: string,
    details: { readonly region?: string | undefined; readonly cause?: unknown } = {},
  ) {
    const permission = `dynamodb:${operation}`;
    super(
      `DynamoDB refused ${operation} on table "${tableName}" (stream ${streamName}${
        details.region === undefined ? '' : `, region ${details.region}`
      }): access denied. The checkpointer needs the permission ${permission} on that table ` +
        `${purposeOf(operation)}; grant it, and restart`,
      { retriable: false, cause: details.cause, context: { streamName } },
    );
    this.tableName = tableName;
    this.operation = operation;
    this.permission = permission;
    this.region = details.region;
  }
}

/** Why the checkpointer sends `operation`, as the message says it. */
function purposeOf(operation: string): string {
  if (operation === 'DescribeTable' || operation === 'CreateTable')
    return '(besides the item permissions) to check it is there and ACTIVE';
  return (
    'to read and write its lease and worker items (it needs dynamodb:GetItem, PutItem, ' +
    'UpdateItem, DeleteItem and Scan)'
  );
}
