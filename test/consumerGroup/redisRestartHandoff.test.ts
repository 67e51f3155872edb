// redis-server killed (SIGKILL) and started again while a handoff waits for the owner's records:
// with an append-only file written at every command, and with no persistence (it comes back
// empty). The outage outlasts the owner's lease, so the owner loses both shards (the one being
// handed over too) at its deadline and must write nothing more of them; whatever the store then
// holds, the group takes the shards back, one owner each, every record is processed and no
// position stored is ahead of a record nobody processed. The server has a password, which no
// event carries. Every worker is a fromKinesis() consumer of this process.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { uniqueKeyPrefix } from '../support/redis.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../support/streamRecords.js';
import { eventTypes, heldBy, InProcessGroup } from './inProcessGroup.js';

jest.setTimeout(90_000);

const PASSWORD = 'handoff-restart-password-51e7';
const SESSION_MS = 2000;
const HEARTBEAT_MS = 250;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

let kinesis: TestKinesis;
let client: KinesisClient;
let server: RedisServerProcess | undefined;
let group: InProcessGroup | undefined;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  client = kinesis.createClient();
});

afterEach(async () => {
  await group?.close();
  group = undefined;
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  client.destroy();
  await kinesis.close();
});

describe.each([
  { persistence: 'an append-only file written at every command', appendOnly: true },
  { persistence: 'no persistence (it comes back empty)', appendOnly: false },
])('redis-server killed and restarted while a handoff waits, $persistence', ({ appendOnly }) => {
  it('the owner writes nothing after its deadline; the shards are taken back, one owner each; nothing is lost', async () => {
    server = await startRedisServer({ appendOnly, args: ['--requirepass', PASSWORD] });
    const redisServer = server;
    const url = `redis://:${PASSWORD}@127.0.0.1:${redisServer.port}`;
    const streamName = uniqueStreamName('restart-handoff');
    await kinesis.createStream(streamName, SHARDS.length);
    const written = await putRecords(client, streamName, numbers(60));
    const keyPrefix = uniqueKeyPrefix('restart-handoff');
    const processed = new ProcessedLedger();
    const running = new InProcessGroup(kinesis, streamName, processed);
    group = running;
    const checkpointer = () =>
      new RedisCheckpointer({
        redis: url,
        name: 'restart-handoff',
        keyPrefix,
        sessionTimeout: SESSION_MS,
        heartbeatInterval: HEARTBEAT_MS,
        retry: { baseMs: 50, capMs: 200, retryLimit: 2 },
      });
    // a works slowly through both shards: a handover cannot drain for seconds.
    const a = running.start('a', checkpointer());
    running.pipeline(a, 100, [processed]);
    await waitFor(() => SHARDS.every((shardId) => heldBy(a, shardId) === 1) && processed.size >= 2, {
      timeoutMs: 30_000,
      message: () => `a: ${eventTypes(a)}`,
    });
    const c = running.start('c', checkpointer());
    running.pipeline(c, 0, [processed]);
    await waitFor(() => c.events.some(({ event }) => event.type === 'handoff-requested'), {
      timeoutMs: 20_000,
      message: () => `c: ${eventTypes(c)}`,
    });
    // a sees the request at its next pass and starts handing over.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_MS));
    const killedAt = Date.now();
    redisServer.signal('SIGKILL');
    try {
      // Every lease of a ends (lost at its deadline, or given up by a handover that drained).
      await waitFor(() => SHARDS.every((shardId) => heldBy(a, shardId) === 0), {
        timeoutMs: SESSION_MS + 10_000,
        message: () => `a: ${eventTypes(a)}`,
      });
    } finally {
      await waitFor(
        () =>
          redisServer.start().then(
            () => true,
            () => false,
          ),
        { timeoutMs: 20_000, message: () => `redis-server did not start again on port ${redisServer.port}` },
      );
    }
    await waitFor(
      () =>
        written.every((record) => processed.has(record.shardId, record.sequenceNumber)) &&
        SHARDS.every((shardId) => heldBy(a, shardId) + heldBy(c, shardId) === 1) &&
        SHARDS.some((shardId) => heldBy(c, shardId) === 1) &&
        SHARDS.some((shardId) => heldBy(a, shardId) === 1),
      {
        timeoutMs: 40_000,
        message: () =>
          `processed ${processed.size} of ${written.length}; a: ${eventTypes(a)}; c: ${eventTypes(c)}`,
      },
    );
    // a wrote nothing of a shard from the end of its lease (at its deadline, or the handover's
    // release) until it held the shard again.
    for (const shardId of SHARDS) {
      const ofShard = a.events.filter(({ event }) => 'shardId' in event && event.shardId === shardId);
      const ended = ofShard.find(
        ({ at, event }) => at >= killedAt && (event.type === 'lease-lost' || event.type === 'lease-released'),
      );
      const back = ofShard.find(
        ({ at, event }) => at >= (ended?.at ?? Infinity) && event.type === 'lease-acquired',
      );
      expect(ended).toBeDefined();
      const late = running.writes.filter(
        (w) =>
          w.worker === 'a' &&
          w.shardId === shardId &&
          w.at > (ended?.at ?? 0) &&
          w.at < (back?.at ?? Infinity),
      );
      expect(late).toEqual([]);
    }
    expect(
      writesAheadOfProcessing(
        running.writes.filter((w) => w.accepted === true),
        written,
      ),
    ).toEqual([]);
    const reported = JSON.stringify([...a.events, ...c.events], (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, stack: value.stack, cause: value.cause } : value,
    );
    expect(reported).toContain('error-retried');
    expect(reported).not.toContain(PASSWORD);
  });
});
