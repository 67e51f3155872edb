import { partitionKeyToHashKey, parseExplicitHashKey } from './hashKey.js';

/** A shard's hash-key range, inclusive at both ends. */
export interface ShardRange {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** The fields of an SDK `Shard` that a ShardMap needs. */
export interface ShardDescription {
  readonly ShardId?: string;
  readonly HashKeyRange?: { readonly StartingHashKey?: string; readonly EndingHashKey?: string };
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
}

/**
 * Maps hash keys to the open shards that hold them, by binary search over sorted ranges.
 * Build it from ListShards output; closed shards (with an EndingSequenceNumber) are ignored.
 */
export class ShardMap {
  readonly ranges: readonly ShardRange[];

  constructor(ranges: Iterable<ShardRange>) {
    this.ranges = [...ranges].sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
  }

  static fromShards(shards: readonly ShardDescription[]): ShardMap {
    const ranges: ShardRange[] = [];
    for (const shard of shards) {
      if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
      const start = shard.HashKeyRange?.StartingHashKey;
      const end = shard.HashKeyRange?.EndingHashKey;
      if (shard.ShardId === undefined || start === undefined || end === undefined) continue;
      ranges.push({ shardId: shard.ShardId, startingHashKey: BigInt(start), endingHashKey: BigInt(end) });
    }
    return new ShardMap(ranges);
  }

  get size(): number {
    return this.ranges.length;
  }

  /** The range holding `hashKey`, or undefined if no open shard covers it. */
  findByHashKey(hashKey: bigint): ShardRange | undefined {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const range = this.ranges[middle]!;
      if (hashKey < range.startingHashKey) high = middle - 1;
      else if (hashKey > range.endingHashKey) low = middle + 1;
      else return range;
    }
    return undefined;
  }

  /** The shard a record goes to: by ExplicitHashKey if given, else by MD5 of the partition key. */
  findShard(partitionKey: string, explicitHashKey?: string): ShardRange | undefined {
    const hashKey =
      explicitHashKey === undefined
        ? partitionKeyToHashKey(partitionKey)
        : parseExplicitHashKey(explicitHashKey);
    return this.findByHashKey(hashKey);
  }
}
