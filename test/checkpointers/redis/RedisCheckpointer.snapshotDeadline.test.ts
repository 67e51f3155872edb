// A lease snapshot is two calls (the stream's shard index, then one script reading them all). A
// balancer judges the snapshot against the session it was read in: on a slow Redis, two calls of
// up to `callTimeout` each could take a whole `sessionTimeout` (callTimeout is half of it by
// default). Both share one `callTimeout`.
import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisProxy, type RedisProxy } from './redisProxy.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

jest.setTimeout(60_000);

const STREAM = 'orders';
// Each reply is held REPLY_DELAY_MS: one call fits in CALL_TIMEOUT_MS, two never do.
const REPLY_DELAY_MS = 1500;
const CALL_TIMEOUT_MS = 2400;

let server: RedisServerProcess;
let proxy: RedisProxy;

beforeAll(async () => {
  server = await startRedisServer();
  proxy = await startRedisProxy(server.port);
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

it('fails a snapshot whose two calls together outlast callTimeout, though each alone fits', async () => {
  const checkpointer = new RedisCheckpointer({
    redis: proxy.url,
    name: 'snapshot-deadline',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 2 * CALL_TIMEOUT_MS,
    callTimeout: CALL_TIMEOUT_MS,
  });
  try {
    // Connected, with a lease and a heartbeat, and the scripts loaded (a first EVALSHA is
    // answered NOSCRIPT, then sent as EVAL: two replies) before Redis turns slow.
    await checkpointer.heartbeat(STREAM, 'worker-a');
    expect(await checkpointer.acquireLease(STREAM, 'shardId-000000000000', 'worker-a')).toBeDefined();
    expect(await checkpointer.liveWorkers(STREAM)).toEqual(['worker-a']);
    expect((await checkpointer.leaseSnapshot(STREAM)).leases).toHaveLength(1);
    proxy.delayReplies(REPLY_DELAY_MS);
    // One call alone still fits in callTimeout.
    expect(await checkpointer.liveWorkers(STREAM)).toEqual(['worker-a']);
    const error = await checkpointer.leaseSnapshot(STREAM).then(
      (snapshot) => snapshot,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toContain(`${CALL_TIMEOUT_MS} ms (callTimeout)`);
    proxy.delayReplies(0);
    // Redis fast again: the snapshot is read.
    await expect(checkpointer.leaseSnapshot(STREAM)).resolves.toMatchObject({
      liveWorkers: ['worker-a'],
      leases: [{ shardId: 'shardId-000000000000', owner: 'worker-a' }],
    });
  } finally {
    proxy.delayReplies(0);
    await checkpointer.close();
  }
});

it('says a snapshot call left no time by the call before it was not sent, not that it failed', async () => {
  // The shard index's reply comes back as the shared callTimeout runs out (the clock is moved past
  // it as the reply arrives): the script is never sent. Was: "failed after 0 attempts".
  let skewMs = 0;
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  const checkpointer = new RedisCheckpointer({
    redis: client,
    name: 'snapshot-deadline',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: 2 * CALL_TIMEOUT_MS,
    callTimeout: CALL_TIMEOUT_MS,
    now: () => Date.now() + skewMs,
  });
  try {
    await checkpointer.heartbeat(STREAM, 'worker-a');
    expect(await checkpointer.acquireLease(STREAM, 'shardId-000000000000', 'worker-a')).toBeDefined();
    const smembers = client.smembers.bind(client);
    const sent: string[] = [];
    const slow = (...args: Parameters<typeof smembers>) => {
      sent.push('smembers');
      return smembers(...args).then((members) => {
        skewMs += CALL_TIMEOUT_MS;
        return members;
      });
    };
    const evalsha = client.evalsha.bind(client);
    client.evalsha = ((...args: Parameters<typeof evalsha>) => {
      sent.push('evalsha');
      return evalsha(...args);
    }) as typeof client.evalsha;
    client.smembers = slow as typeof client.smembers;
    const error = await checkpointer.leaseSnapshot(STREAM).then(
      (snapshot) => snapshot,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(sent).toEqual(['smembers']);
    expect((error as RedisUnavailableError).attempts).toBe(0);
    const message = (error as Error).message;
    expect(message).not.toContain('after 0 attempts');
    expect(message).toBe(
      'Redis unavailable: listLeases was not sent: the calls before it, which share its deadline, ' +
        `took all of its ${CALL_TIMEOUT_MS} ms (callTimeout)`,
    );
  } finally {
    await checkpointer.close();
    client.disconnect();
  }
});
