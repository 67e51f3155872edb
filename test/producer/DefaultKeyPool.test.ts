import type { Shard } from '@aws-sdk/client-kinesis';
import { DefaultKeyPool } from '../../src/producer/DefaultKeyPool.js';
import { randomPartitionKey } from '../../src/producer/randomPartitionKey.js';
import { ShardMap } from '../../src/kinesis/ShardMap.js';
import { MAX_HASH_KEY } from '../../src/kinesis/hashKey.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

/** Shards covering the hash-key space in the given shares (fractions of 2^128). */
function shardsOf(shares: bigint[]): ShardMap {
  let start = 0n;
  const total = MAX_HASH_KEY + 1n;
  return ShardMap.fromShards(
    shares.map((share, i): Shard => {
      const end = i === shares.length - 1 ? MAX_HASH_KEY : start + total / share - 1n;
      const shard = {
        ShardId: `shardId-${String(i).padStart(12, '0')}`,
        HashKeyRange: { StartingHashKey: String(start), EndingHashKey: String(end) },
        SequenceNumberRange: { StartingSequenceNumber: '1' },
      };
      start = end + 1n;
      return shard;
    }),
  );
}

function poolFor(map: ShardMap, seed = 7): { pool: DefaultKeyPool; draws: () => number } {
  const random = seeded(seed);
  let draws = 0;
  const pool = new DefaultKeyPool(
    map.ranges.map((range) => range.shardId),
    (key) => map.findShard(key)?.shardId ?? 'unassigned',
    () => {
      draws += 1;
      return randomPartitionKey(random);
    },
  );
  return { pool, draws: () => draws };
}

describe('DefaultKeyPool', () => {
  it('gives keys of each shard in turn, each placed where Kinesis places it', () => {
    const map = shardsOf([2n, 4n, 8n, 8n]);
    const { pool } = poolFor(map);
    const shards: string[] = [];
    for (let i = 0; i < 400; i += 1) {
      const key = pool.take();
      const shardId = map.findShard(key)!.shardId;
      expect(pool.shardOf(key)).toBe(shardId);
      shards.push(shardId);
    }
    for (const range of map.ranges) {
      expect(shards.filter((shardId) => shardId === range.shardId)).toHaveLength(100);
    }
    // Consecutive items go to different shards.
    expect(shards.slice(0, 4)).toEqual(map.ranges.map((range) => range.shardId));
  });

  it('uses each shard’s keys in turn (16 per shard)', () => {
    const map = shardsOf([4n, 4n, 4n, 4n]);
    const { pool } = poolFor(map);
    const keys = Array.from({ length: 4 * 16 * 2 }, () => pool.take());
    expect(new Set(keys).size).toBe(64);
    expect(keys.slice(64)).toEqual(keys.slice(0, 64));
  });

  it('knows only the keys it gave out', () => {
    const map = shardsOf([2n, 2n]);
    const { pool } = poolFor(map);
    expect(pool.shardOf('some-other-key')).toBeUndefined();
    expect(pool.empty).toBe(false);
  });

  it('bounds its draws; a shard too narrow for any draw to land in gets no default-keyed items', () => {
    // The last shard covers 2^-40 of the hash-key space.
    const map = shardsOf([2n, 2n ** 40n, 2n]);
    const { pool, draws } = poolFor(map);
    expect(draws()).toBeLessThanOrEqual(3 * 16 * 8);
    const shards = new Set(Array.from({ length: 100 }, () => map.findShard(pool.take())!.shardId));
    expect(shards.size).toBe(2);
    expect(shards.has(map.ranges[1]!.shardId)).toBe(false);
  });

  it('is empty when no draw lands in any listed shard', () => {
    const pool = new DefaultKeyPool(
      ['shardId-000000000000'],
      () => 'unassigned',
      () => 'k',
    );
    expect(pool.empty).toBe(true);
  });
});
