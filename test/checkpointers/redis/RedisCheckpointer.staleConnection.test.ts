// A connection the checkpointer opened from a URL can go stale while its socket stays open: its
// peer vanished without a word (a network partition, a host gone, a proxy whose server went away)
// and every call on it goes unanswered, or a failover demoted its server to a replica and every
// write on it is refused with READONLY while the URL's host now names the new primary. The
// checkpointer must give such a connection up and connect afresh, or it never recovers.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { activeResources, extraResources } from '../../support/activeResources.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';
import { startRedisProxy, type RedisProxy } from './redisProxy.js';

const SHARD = 'shardId-000000000000';
// Heartbeats every 1 s: connection attempts get 1 s (connectTimeout), calls 2 s (callTimeout).
const SESSION_TIMEOUT_MS = 4000;

let server: RedisServerProcess;
let proxy: RedisProxy;
const opened: RedisCheckpointer[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});

beforeEach(async () => {
  proxy = await startRedisProxy(server.port);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((checkpointer) => checkpointer.close()));
  await proxy.close();
});

afterAll(async () => {
  await server.close();
});

function checkpointer(): RedisCheckpointer {
  const cp = new RedisCheckpointer({
    redis: proxy.url,
    name: 'silent-peer',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: SESSION_TIMEOUT_MS,
  });
  opened.push(cp);
  return cp;
}

async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('RedisCheckpointer over a connection whose peer fell silent', () => {
  it('drops the connection a call got no reply on by callTimeout: the next call connects afresh', async () => {
    const cp = checkpointer();
    const stream = `stream-${randomUUID()}`;
    const lease = (await cp.acquireLease(stream, SHARD, 'worker-a'))!;
    proxy.silence();
    proxy.speak();
    const error = await errorOf(cp.renewLease(lease));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/no reply from Redis/);
    await expect(cp.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
    expect(proxy.accepted).toBe(2);
  }, 30_000);

  it('gives up a connection attempt that gets no answer within connectTimeout', async () => {
    const cp = checkpointer();
    const stream = `stream-${randomUUID()}`;
    proxy.silence();
    const error = await errorOf(cp.heartbeat(stream, 'worker-a'));
    expect(error).toBeInstanceOf(RedisUnavailableError);
    proxy.speak();
    await expect(cp.heartbeat(stream, 'worker-a')).resolves.toEqual(expect.any(Number));
  }, 30_000);

  it('connects afresh when a failover demoted its server (READONLY), within the same call', async () => {
    const primary = await startRedisServer();
    const admin = new Redis(server.url);
    try {
      const cp = checkpointer();
      const stream = `stream-${randomUUID()}`;
      await cp.heartbeat(stream, 'worker-a');
      // The failover: the URL's host names the new primary, the old one replicates it.
      proxy.retarget(primary.port);
      await admin.replicaof('127.0.0.1', primary.port);
      try {
        await expect(cp.heartbeat(stream, 'worker-a')).resolves.toEqual(expect.any(Number));
        expect(proxy.accepted).toBe(2);
      } finally {
        await admin.replicaof('NO', 'ONE');
      }
    } finally {
      await admin.quit();
      await primary.close();
    }
  }, 30_000);

  it('close() of a connection whose peer fell silent closes its socket at once, not 2 s later', async () => {
    const cp = checkpointer();
    await cp.heartbeat(`stream-${randomUUID()}`, 'worker-a');
    proxy.silence();
    // Our socket, and the proxy's two of the connection (which stay open: it is silent).
    const before = openSockets();

    await cp.close(); // QUIT goes unanswered: the connection is dropped after callTimeout

    // ioredis's disconnect() ends our side and destroys the socket only after 2 s (its
    // disconnectTimeout) when the peer does not close its own: the process stayed up that long.
    await waitFor(() => openSockets() === before - 1, 1000);
    expect(openSockets()).toBe(before - 1);
  }, 30_000);

  it('close() while a connection attempt waits for its first answer leaves no ioredis timer behind', async () => {
    const baseline = activeResources();
    // A call gives up (500 ms) before its connection attempt does (connectTimeout, 1 s).
    const cp = new RedisCheckpointer({
      redis: proxy.url,
      name: 'silent-peer',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: SESSION_TIMEOUT_MS,
      callTimeout: 500,
    });
    proxy.silence();
    // The attempt connects, but nothing answers it.
    expect(await errorOf(cp.heartbeat(`stream-${randomUUID()}`, 'worker-a'))).toBeInstanceOf(
      RedisUnavailableError,
    );
    expect(proxy.accepted).toBe(1);

    await cp.close();

    // ioredis answers the failed ready check with a disconnect that destroys the (already
    // closed) socket only after 2 s: the process stayed up that long after close().
    await waitFor(() => !extraResources(baseline).some((kind) => kind.startsWith('Timeout')), 1000);
    expect(extraResources(baseline).filter((kind) => kind.startsWith('Timeout'))).toEqual([]);
  }, 30_000);

  it('close() ends at once a call still waiting for its connection: nothing was sent on it', async () => {
    // A long session: connection attempts get 15 s (connectTimeout), calls 30 s (callTimeout).
    const cp = new RedisCheckpointer({
      redis: proxy.url,
      name: 'silent-peer',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: 60_000,
    });
    proxy.silence();
    const call = errorOf(cp.heartbeat(`stream-${randomUUID()}`, 'worker-a'));
    await waitFor(() => proxy.accepted === 1, 5000);
    expect(proxy.accepted).toBe(1);

    const started = Date.now();
    await cp.close();

    expect(Date.now() - started).toBeLessThan(3000);
    expect(await call).toBeInstanceOf(CheckpointerClosedError);
  }, 30_000);
});

/** TCP sockets of this process that are open. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}
