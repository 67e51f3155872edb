import { startTestRedis, type TestRedis } from '../support/redis.js';
import { describeHoldings, duplicateRecords, holdings, missingRecords, shape } from './deliveryReport.js';
import { SESSION_TIMEOUT_MS, startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a worker that stops gracefully', () => {
  it('writes its last checkpoints, releases its leases and leaves: the others take over at once, nothing is read twice', async () => {
    redis = await startTestRedis();
    // Positions are written seldom: only the final checkpoints of the stop keep records from
    // being read twice.
    fixture = await startGroupFixture(redis.url, 6, {
      checkpointBatchSize: 1000,
      checkpointIntervalMs: 1500,
    });
    const { feed, group } = fixture;
    const current = fixture;
    const { leases } = current;

    await feed.put(60);
    feed.start(10, 100);
    await Promise.all(['w1', 'w2', 'w3'].map((id) => group.start(id)));
    await waitUntil(
      async () => shape(await leases.look()) === '2/2/2',
      20_000,
      () => describeHoldings(leases.last),
    );
    const leaving = holdings(leases.last).get('w2') ?? [];
    await waitUntil(
      () =>
        group.processed.filter((item) => leaving.includes(item.shardId) && item.workerId === 'w2').length >=
        20,
      15_000,
      () => `w2 processed ${group.processed.filter((item) => item.workerId === 'w2').length} records`,
    );

    await group.stop('w2', 'SIGTERM');
    const stoppedAt = Date.now();
    expect(group.failures).toEqual([]);
    const released = group.eventsOf('lease-released', 'w2').map((received) => received.event.shardId);
    expect(released).toEqual(expect.arrayContaining(leaving));
    expect(group.eventsOf('consumer-stopped', 'w2')).toHaveLength(1);
    // It left the group at once (no waiting for its heartbeat to run out).
    expect((await current.snapshot()).liveWorkers).toEqual(['w1', 'w3']);

    await waitUntil(
      async () => shape(await leases.look()) === '3/3',
      10_000,
      () => `after the stop: ${describeHoldings(leases.last)}`,
    );
    // Taken because they were released, not because they expired.
    for (const shardId of leaving) {
      const taken = group
        .eventsOf('lease-acquired')
        .find((received) => received.event.shardId === shardId && received.workerId !== 'w2');
      expect(taken).toBeDefined();
      expect((taken?.at ?? Infinity) - stoppedAt).toBeLessThan(SESSION_TIMEOUT_MS);
    }

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
    expect(duplicateRecords(group.processed)).toEqual([]);
    expect(group.eventsOf('lease-lost')).toEqual([]);
    expect(group.failures).toEqual([]);
  }, 80_000);
});
