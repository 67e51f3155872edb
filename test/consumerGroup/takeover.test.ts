import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import {
  describeHoldings,
  duplicateRecords,
  duplicatesBeforeCheckpoint,
  holdings,
  missingRecords,
  shape,
} from './deliveryReport.js';
import {
  HEARTBEAT_INTERVAL_MS,
  SESSION_TIMEOUT_MS,
  startGroupFixture,
  type GroupFixture,
} from './groupFixture.js';
import { waitUntil } from './workerGroup.js';

/** Room for a loaded machine: IPC, a late heartbeat, a slow Redis or Kinesis call. */
const SLACK_MS = 1500;

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

describe('consumer group: a worker that dies', () => {
  it('has its shards taken within sessionTimeout + one heartbeat; records after its last checkpoint are the only ones read twice', async () => {
    redis = await startTestRedis();
    // Positions are written seldom, so the victim dies with processed records not yet checkpointed.
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
    // Kill the victim while it has processed records beyond the checkpoint stored for them.
    const victimShards = holdings(await leases.look()).get('w2') ?? [];
    expect(victimShards).toHaveLength(2);
    await waitUntil(
      async () => {
        const stored = await current.checkpoints(victimShards);
        return group.processed.some((item) => {
          if (item.workerId !== 'w2') return false;
          const position = stored.get(item.shardId);
          return (
            position !== undefined && compareSequenceNumbers(item.sequenceNumber, position.sequenceNumber) > 0
          );
        });
      },
      15_000,
      () => `w2 processed ${group.processed.filter((item) => item.workerId === 'w2').length} records`,
    );
    const killedAt = Date.now();
    await group.stop('w2', 'SIGKILL');
    // A write the victim sent just before dying may still be on its way to Redis.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const checkpointsAtKill = await current.checkpoints(victimShards);

    await waitUntil(
      async () => {
        const held = holdings(await leases.look());
        return victimShards.every((shardId) =>
          ['w1', 'w3'].some((worker) => held.get(worker)?.includes(shardId)),
        );
      },
      SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + 10_000,
      () => `after the kill: ${describeHoldings(leases.last)}`,
    );
    for (const shardId of victimShards) {
      const taken = group
        .eventsOf('lease-acquired')
        .find((received) => received.event.shardId === shardId && received.at > killedAt);
      expect(taken).toBeDefined();
      expect((taken?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(
        SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + SLACK_MS,
      );
    }
    expect(shape(leases.last)).toBe('3/3');

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
    // Read twice only: records of the victim's shards after the checkpoint they had when it died.
    const duplicates = duplicateRecords(group.processed);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(duplicatesBeforeCheckpoint(duplicates, checkpointsAtKill)).toEqual([]);
    for (const reports of duplicates) expect(reports.some((item) => item.workerId === 'w2')).toBe(true);
    expect(group.failures).toEqual([]);
  }, 80_000);
});
