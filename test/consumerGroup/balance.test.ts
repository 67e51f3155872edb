import { startTestRedis, type TestRedis } from '../support/redis.js';
import { describeHoldings, duplicateRecords, holdings, missingRecords, shape } from './deliveryReport.js';
import { HEARTBEAT_INTERVAL_MS, startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: lease balancing across processes', () => {
  it('3 workers on 6 shards settle at 2/2/2; a 4th joins and they rebalance to 2/2/1/1 without loss', async () => {
    redis = await startTestRedis();
    fixture = await startGroupFixture(redis.url, 6);
    const { feed, group, leases } = fixture;

    await feed.put(60);
    feed.start(10, 100);
    await Promise.all(['w1', 'w2', 'w3'].map((id) => group.start(id)));
    await waitUntil(
      async () => shape(await leases.look()) === '2/2/2',
      20_000,
      () => `3 workers: ${describeHoldings(leases.last)}`,
    );

    await group.start('w4');
    await waitUntil(
      async () => shape(await leases.look()) === '2/2/1/1',
      20_000,
      () => `4 workers: ${describeHoldings(leases.last)}`,
    );
    expect(holdings(leases.last).get('w4')).toHaveLength(1);
    // Settled: two more heartbeats change nothing.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_INTERVAL_MS + 200));
    expect(shape(await leases.look())).toBe('2/2/1/1');

    // The newcomer's shard came by a handoff: requested, drained, released for it.
    expect(group.eventsOf('handoff-requested', 'w4').length).toBeGreaterThanOrEqual(1);
    const handedToW4 = group.eventsOf('handoff-completed').filter((e) => e.event.requester === 'w4');
    expect(handedToW4.length).toBeGreaterThanOrEqual(1);
    expect(group.eventsOf('rebalance', 'w4').length).toBeGreaterThanOrEqual(1);

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
    // Every move was a drained handoff: nothing was read twice.
    expect(duplicateRecords(group.processed)).toEqual([]);
    expect(group.eventsOf('lease-lost')).toEqual([]);
    expect(group.failures).toEqual([]);
  }, 80_000);
});
