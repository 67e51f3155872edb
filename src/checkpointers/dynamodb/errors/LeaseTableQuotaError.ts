import { LeaseTableMissingError } from './LeaseTableMissingError.js';

/**
 * DynamoDB refused to create the missing lease table (or the workers table beside it) because the
 * account has as many tables as its quota allows in the region (CreateTable answered
 * LimitExceededException for the table quota, not for too many table operations at once, which is
 * retried). No retry helps until a table goes or the quota grows: raise the quota (Service Quotas,
 * DynamoDB "Maximum number of tables") or delete tables no longer used, then restart. A
 * LeaseTableMissingError (the table is missing, and cannot be created), so a consumer stops at
 * once with CheckpointerMisconfiguredError. Not retriable. DynamoDB's own message is its `cause`.
 */
export class LeaseTableQuotaError extends LeaseTableMissingError {
  constructor(
    tableName: string,
    streamName: string,
    details: {
      readonly hashKey?: string | undefined;
      readonly region?: string | undefined;
      readonly cause?: unknown;
    } = {},
  ) {
    super(tableName, streamName, details);
    this.message =
      `DynamoDB table "${tableName}" (stream ${streamName}${
        details.region === undefined ? '' : `, region ${details.region}`
      }) does not exist, and DynamoDB refused to create it: the account has reached its quota of ` +
      'tables in this region. Raise the quota (Service Quotas: DynamoDB, "Maximum number of ' +
      'tables"), or delete tables no longer used, then restart';
  }
}
