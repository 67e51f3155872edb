import { RedisKeys } from '../../../src/checkpointers/redis/redisKeys.js';

/** The hash tag Redis Cluster hashes: the text between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(open + 1, close);
}

describe('RedisKeys', () => {
  it('puts every key of an (application, stream) pair under one hash tag', () => {
    const keys = new RedisKeys('p:', 'orders-app');
    expect(keys.shard('orders', 'shardId-000000000001')).toBe(
      'p:{orders-app:orders}:shard:shardId-000000000001',
    );
    expect(keys.shardIndex('orders')).toBe('p:{orders-app:orders}:shards');
    expect(keys.workers('orders')).toBe('p:{orders-app:orders}:workers');
    const tags = new Set(
      [
        keys.shard('orders', 'a'),
        keys.shard('orders', 'b'),
        keys.shardIndex('orders'),
        keys.workers('orders'),
      ].map(hashTag),
    );
    expect([...tags]).toEqual(['orders-app:orders']);
  });

  it('encodes braces and colons in names so tags stay whole and distinct', () => {
    const a = new RedisKeys('', 'a:b').workers('c');
    const b = new RedisKeys('', 'a').workers('b:c');
    expect(a).not.toBe(b);
    expect(hashTag(new RedisKeys('', 'x}y{').workers('s'))).toBe('x%7Dy%7B:s');
  });
});
