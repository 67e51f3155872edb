/**
 * What the `client` option of a DynamoDBCheckpointer takes: an @aws-sdk/client-dynamodb
 * `DynamoDBClient` (of any version of the package: only `send` is called). Declared here rather
 * than imported from @aws-sdk/client-dynamodb, an optional peer, so the package's public types
 * compile in projects that do not install it.
 */
export interface DynamoDBClientLike {
  send(command: never, options?: never): Promise<unknown>;
}
