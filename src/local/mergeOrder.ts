import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { JsonObject } from './UpstreamAnswer.js';
import { storeShardId } from './storeShardId.js';
import { isOpen, listAllShards } from './upstreamShards.js';

/**
 * The body to pass on for a MergeShards whose ShardToMerge lies above its AdjacentShardToMerge
 * (its hash-key range starts where the other's ends): AWS merges two adjacent shards whichever
 * is named first (adjacent: the union of their ranges has no gap), while kinesalite takes only
 * the lower one first. Returns the request with the two swapped, or undefined to pass it on as
 * it is (any other request, shards not found, closed or not adjacent: the backing store and the
 * checks before it answer those).
 */
export async function mergeInHashKeyOrder(
  admin: KinesisClient,
  operation: string,
  payload: JsonObject,
): Promise<Buffer | undefined> {
  const { StreamName: streamName, ShardToMerge: upper, AdjacentShardToMerge: lower } = payload;
  if (operation !== 'MergeShards' || typeof streamName !== 'string') return undefined;
  if (typeof upper !== 'string' || typeof lower !== 'string') return undefined;
  const upperId = storeShardId(upper);
  const lowerId = storeShardId(lower);
  if (upperId === undefined || lowerId === undefined) return undefined;
  let shards;
  try {
    shards = await listAllShards(admin, streamName);
  } catch {
    // The stream is gone or the store failed: it answers the request itself.
    return undefined;
  }
  const above = shards.find((shard) => shard.ShardId === upperId);
  const below = shards.find((shard) => shard.ShardId === lowerId);
  if (above === undefined || below === undefined || !isOpen(above) || !isOpen(below)) return undefined;
  const start = above.HashKeyRange?.StartingHashKey;
  const end = below.HashKeyRange?.EndingHashKey;
  if (start === undefined || end === undefined || BigInt(start) !== BigInt(end) + 1n) return undefined;
  return Buffer.from(JSON.stringify({ ...payload, ShardToMerge: lower, AdjacentShardToMerge: upper }));
}
