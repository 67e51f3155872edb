import { ShardMap } from '../../src/kinesis/ShardMap.js';
import { MAX_HASH_KEY, partitionKeyToHashKey } from '../../src/kinesis/hashKey.js';

const shard = (id: string, start: bigint, end: bigint, closed = false) => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
  SequenceNumberRange: closed ? { EndingSequenceNumber: '99' } : {},
});

describe('ShardMap', () => {
  const third = 2n ** 128n / 3n;
  const map = ShardMap.fromShards([
    shard('shardId-2', 2n * third, MAX_HASH_KEY),
    shard('shardId-0', 0n, third - 1n),
    shard('shardId-1', third, 2n * third - 1n),
  ]);

  it('finds the shard at both ends of every range and just past them', () => {
    expect(map.size).toBe(3);
    expect(map.findByHashKey(0n)?.shardId).toBe('shardId-0');
    expect(map.findByHashKey(third - 1n)?.shardId).toBe('shardId-0');
    expect(map.findByHashKey(third)?.shardId).toBe('shardId-1');
    expect(map.findByHashKey(2n * third - 1n)?.shardId).toBe('shardId-1');
    expect(map.findByHashKey(2n * third)?.shardId).toBe('shardId-2');
    expect(map.findByHashKey(MAX_HASH_KEY)?.shardId).toBe('shardId-2');
    expect(map.findByHashKey(MAX_HASH_KEY + 1n)).toBeUndefined();
    expect(map.findByHashKey(-1n)).toBeUndefined();
  });

  it('returns undefined inside a gap and ignores closed shards', () => {
    const gappy = ShardMap.fromShards([
      shard('low', 0n, 99n),
      shard('closed', 100n, 199n, true),
      shard('high', 200n, MAX_HASH_KEY),
    ]);
    expect(gappy.size).toBe(2);
    expect(gappy.findByHashKey(99n)?.shardId).toBe('low');
    expect(gappy.findByHashKey(100n)).toBeUndefined();
    expect(gappy.findByHashKey(199n)).toBeUndefined();
    expect(gappy.findByHashKey(200n)?.shardId).toBe('high');
  });

  it('agrees with a linear scan for many random keys', () => {
    const ranges = map.ranges;
    for (let i = 0; i < 300; i += 1) {
      const key = partitionKeyToHashKey(`k${i}`);
      const expected = ranges.find((r) => key >= r.startingHashKey && key <= r.endingHashKey);
      expect(map.findShard(`k${i}`)?.shardId).toBe(expected?.shardId);
    }
  });

  it('routes by ExplicitHashKey when given', () => {
    expect(map.findShard('anything', '0')?.shardId).toBe('shardId-0');
    expect(map.findShard('anything', MAX_HASH_KEY.toString())?.shardId).toBe('shardId-2');
  });

  it('an empty map finds nothing', () => {
    expect(new ShardMap([]).findByHashKey(0n)).toBeUndefined();
  });
});
