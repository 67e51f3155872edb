import type { Shard } from '@aws-sdk/client-kinesis';

const HASH_SPACE = 2n ** 128n;

/** One reshard operation of a uniform scaling. */
export type ScalingStep =
  | { readonly kind: 'merge'; readonly shardId: string; readonly adjacentShardId: string }
  | { readonly kind: 'split'; readonly shardId: string; readonly newStartingHashKey: string };

/** Starting hash keys of `count` shards spread evenly, as CreateStream lays them out. */
export function uniformStarts(count: number): bigint[] {
  const width = HASH_SPACE / BigInt(count);
  return Array.from({ length: count }, (_, index) => width * BigInt(index));
}

/**
 * The next step that brings the open shards (`open`) towards `target` shards of equal hash
 * ranges, or undefined when they are there: first merge away each boundary the target does not
 * have (so the stream never holds more open shards than the larger of the two counts), then
 * split at each boundary it lacks.
 */
export function nextScalingStep(open: readonly Shard[], target: number): ScalingStep | undefined {
  const shards = [...open].sort((a, b) => compare(start(a), start(b)));
  const wanted = new Set(uniformStarts(target).map(String));
  for (let index = 1; index < shards.length; index += 1) {
    if (!wanted.has(start(shards[index]!).toString())) {
      return {
        kind: 'merge',
        shardId: shards[index - 1]!.ShardId!,
        adjacentShardId: shards[index]!.ShardId!,
      };
    }
  }
  const present = new Set(shards.map((shard) => start(shard).toString()));
  for (const boundary of uniformStarts(target).slice(1)) {
    if (present.has(boundary.toString())) continue;
    const holder = shards.find((shard) => start(shard) < boundary && boundary <= end(shard));
    if (holder !== undefined) {
      return { kind: 'split', shardId: holder.ShardId!, newStartingHashKey: boundary.toString() };
    }
  }
  return undefined;
}

function start(shard: Shard): bigint {
  return BigInt(shard.HashKeyRange!.StartingHashKey!);
}

function end(shard: Shard): bigint {
  return BigInt(shard.HashKeyRange!.EndingHashKey!);
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
