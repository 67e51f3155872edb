import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseAcquireReply } from '../../../../src/checkpointers/redis/scriptResult.js';
import { RedisScript } from '../../../../src/checkpointers/redis/RedisScript.js';
import { ACQUIRE_LEASE_LUA } from '../../../../src/checkpointers/redis/scripts/acquireLease.lua.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../../support/redis.js';

const script = new RedisScript('acquireLease', ACQUIRE_LEASE_LUA);
const SHARD = 'shardId-000000000000';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
});

afterAll(async () => {
  client.disconnect();
  await redis.close();
});

describe('acquireLease.lua', () => {
  const prefix = uniqueKeyPrefix('acquire');
  const keys = [`${prefix}shard`, `${prefix}shards`];
  const acquire = async (owner: string, token: string) =>
    parseAcquireReply(await script.run(client, keys, [owner, token, 60_000, SHARD]));

  it('answers a repeated call (same token: its reply was lost) with the lease it created, and refuses any other call for that live lease, same owner id included', async () => {
    const token = randomUUID();
    const first = await acquire('worker-a', token);
    expect(first).toMatchObject({ kind: 'acquired', token });
    // A retry of the very same call: same owner, same token.
    expect(await acquire('worker-a', token)).toEqual(first);
    // Another instance presenting the same worker id, with its own token.
    expect(await acquire('worker-a', randomUUID())).toEqual({ kind: 'refused', holder: 'worker-a' });
    expect(await acquire('worker-b', randomUUID())).toEqual({ kind: 'refused', holder: 'worker-a' });
    expect(await client.hget(keys[0] as string, 'token')).toBe(token);
  });
});
