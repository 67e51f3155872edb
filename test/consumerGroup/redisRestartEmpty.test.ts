import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { describeHoldings, holdings, missingRecords, shape } from './deliveryReport.js';
import { startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

let redis: RedisServerProcess | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: Redis restarted without persistence mid-stream', () => {
  it('takes the forgotten leases again, keeps running and loses no record', async () => {
    redis = await startRedisServer({ appendOnly: false });
    fixture = await startGroupFixture(redis.url, 4);
    const { feed, group, leases } = fixture;
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
    // Back at once with an empty dataset: every lease, checkpoint and heartbeat is gone.
    await redis.stop();
    await redis.start();
    await waitUntil(
      async () => {
        const held = holdings(await leases.look());
        return shape(leases.last) === '2/2' && [...held.values()].flat().length === 4;
      },
      20_000,
      () => `after the restart: ${describeHoldings(leases.last)}`,
    );
    // The renewals found the leases gone: the workers stopped those shards and took them again.
    expect(group.eventsOf('lease-lost').length).toBeGreaterThan(0);
    expect(group.aliveWorkers.sort()).toEqual(['w1', 'w2']);
    expect(group.failures).toEqual([]);
    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
  }, 80_000);
});
