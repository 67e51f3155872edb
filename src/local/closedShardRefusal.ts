import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { invalidArgument, localAccountId, type AwsErrorAnswer } from './awsErrors.js';
import type { JsonObject } from './UpstreamAnswer.js';
import { storeShardId } from './storeShardId.js';
import { isOpen, listAllShards } from './upstreamShards.js';

/**
 * SplitShard or MergeShards naming a shard that is already closed (split or merged before): AWS
 * refuses it with an InvalidArgumentException, while kinesalite would carry it out and open new
 * shards whose hash-key ranges overlap the open ones (so a repeated or retried reshard would
 * corrupt the stream). Returns that refusal, or undefined to let the backing store answer: the
 * shards are open, a named shard or the stream is not found, or the stream is not ACTIVE (its
 * ResourceInUseException comes first).
 */
export async function closedShardRefusal(
  admin: KinesisClient,
  operation: 'SplitShard' | 'MergeShards',
  payload: JsonObject,
): Promise<AwsErrorAnswer | undefined> {
  const streamName = payload.StreamName;
  const named =
    operation === 'SplitShard'
      ? [payload.ShardToSplit]
      : [payload.ShardToMerge, payload.AdjacentShardToMerge];
  if (typeof streamName !== 'string' || !named.every((name) => typeof name === 'string')) return undefined;
  const shardIds = (named as string[]).map(storeShardId);
  if (shardIds.includes(undefined)) return undefined;
  try {
    const shards = await listAllShards(admin, streamName);
    const found = shardIds.map((shardId) => shards.find((shard) => shard.ShardId === shardId));
    if (found.includes(undefined)) return undefined;
    const closed = found.find((shard) => !isOpen(shard!));
    if (closed === undefined) return undefined;
    const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') return undefined;
    return invalidArgument(
      `Shard ${closed!.ShardId!} in stream ${streamName} under account ${localAccountId()} has already ` +
        'been merged or split, and thus is not eligible for merging or splitting.',
    );
  } catch {
    // The stream is gone or the store failed: it answers the request itself.
    return undefined;
  }
}
