// A Redis outage longer than the session timeout: the worker keeps processing what it already
// emitted, cannot write checkpoints, loses its leases at their deadlines and stops reading. When
// Redis is back it re-acquires its shards and writes the positions it finished during the outage
// before it reads again, so it replays at most one checkpoint batch per shard (the records in
// flight when the lease was lost), not everything since the last checkpoint Redis stored.
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { describeHoldings, duplicateRecords, missingRecords, shape } from './deliveryReport.js';
import { SESSION_TIMEOUT_MS, startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

const SHARDS = 4;
const BATCH_SIZE = 50;

let redis: RedisServerProcess | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a Redis outage longer than the session timeout', () => {
  it('replays at most one checkpoint batch per shard once the leases are back', async () => {
    redis = await startRedisServer({ appendOnly: true });
    fixture = await startGroupFixture(redis.url, SHARDS, {
      checkpointBatchSize: BATCH_SIZE,
      checkpointIntervalMs: 1000,
    });
    const { feed, group, leases } = fixture;
    const server = redis;

    await feed.put(200);
    feed.start(20, 100);
    await group.start('w1');
    await waitUntil(
      async () => shape(await leases.look()) === String(SHARDS),
      20_000,
      () => describeHoldings(leases.last),
    );
    await waitUntil(
      () => group.processed.length >= 300,
      20_000,
      () => `${group.processed.length} records processed`,
    );

    const processedBefore = group.processed.length;
    const stoppedAt = Date.now();
    await server.stop();
    await waitUntil(
      () => group.eventsOf('lease-lost').length >= SHARDS,
      SESSION_TIMEOUT_MS + 5000,
      () => `lease-lost events: ${group.eventsOf('lease-lost').length}`,
    );
    const remaining = stoppedAt + SESSION_TIMEOUT_MS + 2000 - Date.now();
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
    // It went on processing during the outage, so positions were left unwritten.
    expect(group.processed.length).toBeGreaterThan(processedBefore);
    await server.start();

    await waitUntil(
      () =>
        new Set(group.eventsOf('lease-acquired').map((e) => e.event.shardId)).size === SHARDS &&
        group.eventsOf('lease-acquired').length >= 2 * SHARDS,
      30_000,
      () => `lease-acquired events: ${group.eventsOf('lease-acquired').length}`,
    );
    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      60_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
    );

    const replaysPerShard = new Map<string, number>();
    for (const reports of duplicateRecords(group.processed)) {
      const shardId = reports[0]?.shardId ?? '';
      replaysPerShard.set(shardId, (replaysPerShard.get(shardId) ?? 0) + reports.length - 1);
    }
    expect([...replaysPerShard].filter(([, replays]) => replays > BATCH_SIZE)).toEqual([]);
    expect(group.failures).toEqual([]);
  }, 150_000);
});
