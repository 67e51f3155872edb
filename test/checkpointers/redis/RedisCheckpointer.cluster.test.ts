import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { RedisClientClosedError } from '../../../src/checkpointers/redis/errors/RedisClientClosedError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';
import { startRedisProxy } from './redisProxy.js';
import { startRedisCluster, type RedisClusterProcess } from './redisServers.js';

// Steps that need a live lease must run within half of it, as in the standalone suite: on a loaded
// 2-core machine, with the 1500 ms lease this had, a check meant for 900 ms after a renewal found
// the lease expired (it ran over 600 ms late).
const LEASE_MS = 3000;

let cluster: RedisClusterProcess;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster([...cluster.nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
}, 90_000);

afterAll(async () => {
  await client?.quit();
  await cluster?.close();
});

/** A Cluster client of the test's own reaching every node through a proxy of its own (natMap). */
async function clusterThroughProxies() {
  const proxies = await Promise.all(cluster.nodes.map((node) => startRedisProxy(node.port)));
  const natMap = Object.fromEntries(
    cluster.nodes.map((node, i) => [
      `${node.host}:${node.port}`,
      { host: '127.0.0.1', port: Number(new URL(proxies[i].url).port) },
    ]),
  );
  const own = new Cluster(
    proxies.map((proxy) => ({ host: '127.0.0.1', port: Number(new URL(proxy.url).port) })),
    { natMap, redisOptions: { maxRetriesPerRequest: 1 } },
  );
  return { proxies, own };
}

describeCheckpointerConformance('RedisCheckpointer (3-master Redis Cluster)', async () => {
  // A client of the fixture's own, reaching every node through a proxy of its own: the
  // store-failure test silences them (an outage; a client closed by its user is no outage).
  const { proxies, own } = await clusterThroughProxies();
  const checkpointer = new RedisCheckpointer({
    redis: own,
    name: 'conformance',
    sessionTimeout: LEASE_MS,
    keyPrefix: `test-${randomUUID()}:`,
  });
  const streamName = `stream-${randomUUID()}`;
  // Connected before the kit's first timed step (the steps test leases, not connecting).
  await checkpointer.listLeases(streamName);
  return {
    checkpointer,
    streamName,
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    failStore: async () => {
      for (const proxy of proxies) proxy.silence();
    },
    cleanup: async () => {
      await checkpointer.close();
      // The checkpointer leaves the client it was given open: that one is the fixture's to close.
      own.disconnect();
      await Promise.all(proxies.map((proxy) => proxy.close()));
    },
  };
});

describe('RedisCheckpointer on Redis Cluster', () => {
  it('spreads streams over the masters, keeping each stream in one slot', async () => {
    const checkpointer = new RedisCheckpointer({
      redis: client,
      name: 'spread',
      keyPrefix: `test-${randomUUID()}:`,
    });
    const streams = Array.from({ length: 12 }, (_, i) => `stream-${i}-${randomUUID()}`);
    for (const stream of streams) {
      const lease = await checkpointer.acquireLease(stream, 'shardId-000000000000', 'w');
      await checkpointer.checkpoint(lease!, { sequenceNumber: '1' });
      await checkpointer.heartbeat(stream, 'w');
      await checkpointer.requestHandoff(stream, 'shardId-000000000000', 'v');
      expect(await checkpointer.leaseSnapshot(stream)).toMatchObject({
        liveWorkers: ['w'],
        leases: [{ shardId: 'shardId-000000000000', owner: 'w' }],
      });
    }
    const used = new Set<number>();
    for (const node of client.nodes('master'))
      if ((await node.dbsize()) > 0) used.add(node.options.port ?? 0);
    expect(used.size).toBeGreaterThan(1);
    await checkpointer.close();
  });
});

describe('a Cluster of your own closed while it waits to reconnect', () => {
  // Cluster's disconnect()/quit() while it waits to reconnect leaves it 'disconnecting' for good
  // (no node left to report the close): the calls waiting for it used to wait out callTimeout.
  it.each([
    ['disconnect()', (own: Cluster) => void own.disconnect()],
    ['quit()', (own: Cluster) => void own.quit().catch(() => undefined)],
  ])(
    'ends the waiting calls at once with RedisClientClosedError (%s)',
    async (_, close) => {
      const callTimeoutMs = 20_000;
      const { proxies, own } = await clusterThroughProxies();
      own.on('error', () => undefined);
      const checkpointer = new RedisCheckpointer({
        redis: own,
        name: 'cluster-closed',
        keyPrefix: `test-${randomUUID()}:`,
        sessionTimeout: 2 * callTimeoutMs,
        callTimeout: callTimeoutMs,
      });
      try {
        await checkpointer.heartbeat('orders', 'w');
        // Every master connected (ioredis connects a node on its first command): once all of them
        // drop, the cluster waits to reconnect.
        await Promise.all(own.nodes('master').map((node) => node.ping()));
        await Promise.all(proxies.map((proxy) => proxy.close()));
        while (own.status !== 'reconnecting') await new Promise((resolve) => setTimeout(resolve, 5));
        const beat = checkpointer.heartbeat('orders', 'w').then(
          () => undefined,
          (error: unknown) => error,
        );
        close(own);
        const since = performance.now();
        const error = await beat;
        expect(error).toBeInstanceOf(RedisClientClosedError);
        // Well within callTimeout, however loaded the machine.
        expect(performance.now() - since).toBeLessThan(callTimeoutMs / 2);
        expect(own.listenerCount('end')).toBe(0);
      } finally {
        await checkpointer.close();
        own.disconnect();
      }
    },
    60_000,
  );
});
