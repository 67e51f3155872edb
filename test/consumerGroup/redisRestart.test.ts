import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import {
  describeHoldings,
  duplicateRecords,
  duplicatesBeforeCheckpoint,
  holdings,
  missingRecords,
  shape,
} from './deliveryReport.js';
import { SESSION_TIMEOUT_MS, startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

let redis: RedisServerProcess | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: Redis restarted (AOF on) mid-stream', () => {
  it('loses the leases it cannot renew, keeps running, re-acquires them after the restart and loses no record', async () => {
    redis = await startRedisServer({ appendOnly: true });
    fixture = await startGroupFixture(redis.url, 4);
    const { feed, group } = fixture;
    const current = fixture;
    const { leases } = current;
    const shardIds = [
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ];

    await feed.put(40);
    feed.start(8, 100);
    await Promise.all(['w1', 'w2'].map((id) => group.start(id)));
    await waitUntil(
      async () => shape(await leases.look()) === '2/2',
      20_000,
      () => describeHoldings(leases.last),
    );
    await waitUntil(
      () => group.processed.length >= 100,
      15_000,
      () => `${group.processed.length} records processed`,
    );

    // Down for longer than a session: no lease can be renewed in time.
    const checkpointsBeforeStop = await current.checkpoints(shardIds);
    const stoppedAt = Date.now();
    await redis.stop();
    await waitUntil(
      () => group.eventsOf('lease-lost').length >= shardIds.length,
      SESSION_TIMEOUT_MS + 5000,
      () => `lease-lost events: ${group.eventsOf('lease-lost').length}`,
    );
    // Lost at the local deadline (last renewal sent + sessionTimeout), not later.
    for (const lost of group.eventsOf('lease-lost'))
      expect(lost.at - stoppedAt).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + 1500);
    const lostShards = new Set(group.eventsOf('lease-lost').map((received) => received.event.shardId));
    expect([...lostShards].sort()).toEqual(shardIds);
    // Still down when the checkpointer's own retries run out: the failures surface as events,
    // and the workers keep running.
    await waitUntil(
      () => new Set(group.eventsOf('error-retried').map((received) => received.workerId)).size === 2,
      15_000,
      () => `error-retried events: ${group.eventsOf('error-retried').length}`,
    );
    await redis.start();

    await waitUntil(
      async () => {
        const held = holdings(await leases.look());
        return shape(leases.last) === '2/2' && [...held.values()].flat().length === shardIds.length;
      },
      20_000,
      () => `after the restart: ${describeHoldings(leases.last)}`,
    );
    expect(group.aliveWorkers.sort()).toEqual(['w1', 'w2']);
    expect(group.failures).toEqual([]);

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
    // Checkpoints survived the restart: only records after them were read again.
    expect(duplicatesBeforeCheckpoint(duplicateRecords(group.processed), checkpointsBeforeStop)).toEqual([]);
  }, 80_000);
});
