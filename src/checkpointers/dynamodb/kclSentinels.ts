// Apart from kclLeaseItem.ts: the public DynamoDBCheckpointerOptions type names one of these, and
// must not import @aws-sdk/client-dynamodb's types (an optional peer) as kclLeaseItem.ts does.

/** Sentinel values the KCL writes in `checkpoint` instead of a sequence number. */
export const SENTINEL = {
  trimHorizon: 'TRIM_HORIZON',
  latest: 'LATEST',
  atTimestamp: 'AT_TIMESTAMP',
  shardEnd: 'SHARD_END',
} as const;

/** The sentinel a new lease starts with (where a KCL worker that takes it first would start). */
export type InitialCheckpointSentinel = typeof SENTINEL.trimHorizon | typeof SENTINEL.latest;
