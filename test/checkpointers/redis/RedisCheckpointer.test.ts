import { randomUUID } from 'node:crypto';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../../support/redis.js';
import { describeCheckpointerConformance } from '../../../src/testing/index.js';
import { Relay } from '../../support/tcpRelay.js';

// Steps that need a live lease must run within half of it (a call also gives up after half a
// session): on a loaded 2-core machine Redis calls of the 600 ms lease this had took over 300 ms.
const LEASE_MS = 3000;

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

describeCheckpointerConformance('RedisCheckpointer (standalone)', async () => {
  const keyPrefix = uniqueKeyPrefix();
  // The fixture's checkpointer reaches Redis through a relay the store-failure test takes down.
  const relay = new Relay(new URL(redis.url));
  await relay.up();
  const open = (url = redis.url) =>
    new RedisCheckpointer({ redis: url, name: 'conformance', sessionTimeout: LEASE_MS, keyPrefix });
  const checkpointer = open(`redis://127.0.0.1:${relay.port}`);
  const streamName = `stream-${randomUUID()}`;
  // Connected before the kit's first timed step: on a loaded machine connecting alone has taken
  // longer than the half session a call may take (the steps test leases, not connecting).
  await checkpointer.listLeases(streamName);
  return {
    checkpointer,
    streamName,
    // Another process's instance: its own connection to the same keys.
    connect: async () => {
      const other = open();
      await other.listLeases(streamName);
      return other;
    },
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    failStore: () => relay.down(),
    cleanup: async () => {
      await checkpointer.close();
      await relay.down();
    },
  };
});
