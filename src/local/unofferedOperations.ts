import type { AwsErrorAnswer } from './awsErrors.js';

/**
 * Operations of the Kinesis API the local endpoint does not offer: account-level billing
 * settings, record sizes over 1 MiB and warm throughput of on-demand streams. kinesalite knows
 * none of them either.
 */
export const UNOFFERED_OPERATIONS: ReadonlySet<string> = new Set([
  'DescribeAccountSettings',
  'UpdateAccountSettings',
  'UpdateMaxRecordSize',
  'UpdateStreamWarmThroughput',
]);

/**
 * The refusal of an operation not offered: UnknownOperationException (HTTP 400), as AWS refuses
 * an operation it does not know, with a message naming the operation.
 */
export function operationNotOffered(operation: string): AwsErrorAnswer {
  return {
    status: 400,
    type: 'UnknownOperationException',
    message: `${operation} is not offered by this local Kinesis endpoint.`,
  };
}
