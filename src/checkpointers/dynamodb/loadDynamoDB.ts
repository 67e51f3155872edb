import { requireOptional } from '../../optional/requireOptional.js';

/** The parts of @aws-sdk/client-dynamodb the DynamoDBCheckpointer uses. */
export type DynamoDBModule = typeof import('@aws-sdk/client-dynamodb');

/**
 * Loads @aws-sdk/client-dynamodb on first use: it is an optional peer dependency, needed only by
 * a DynamoDBCheckpointer. Throws MissingPeerDependencyError ("npm install
 * @aws-sdk/client-dynamodb") when it is not installed.
 */
export function loadDynamoDB(): DynamoDBModule {
  return requireOptional<DynamoDBModule>('@aws-sdk/client-dynamodb', 'DynamoDBCheckpointer');
}
