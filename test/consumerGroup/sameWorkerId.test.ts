import { startTestRedis, type TestRedis } from '../support/redis.js';
import { duplicateRecords, duplicatesBeforeCheckpoint, missingRecords } from './deliveryReport.js';
import {
  SESSION_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  startGroupFixture,
  type GroupFixture,
} from './groupFixture.js';
import { waitUntil, type ProcessedItem } from './workerGroup.js';

/** Room for a loaded machine: IPC, a late heartbeat, a slow Redis or Kinesis call. */
const SLACK_MS = 1500;
const SHARED_ID = 'same-id';

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;

afterAll(async () => {
  await fixture?.close();
  await redis?.close();
});

/** Records processed by both processes (p1 and p2), whoever was first. */
function sharedRecords(processed: readonly ProcessedItem[]): ProcessedItem[][] {
  return duplicateRecords(processed).filter(
    (reports) => new Set(reports.map((item) => item.workerId)).size > 1,
  );
}

describe('consumer group: two processes started with the same workerId', () => {
  it('never share a lease: each record is processed by one of them until the holder dies and its leases expire', async () => {
    redis = await startTestRedis();
    fixture = await startGroupFixture(redis.url, 8, { checkpointBatchSize: 5, checkpointIntervalMs: 200 });
    const { feed, group, leases } = fixture;
    const current = fixture;

    await feed.put(80);
    feed.start(8, 100);
    // Both start at once and race for the 8 free leases with the same id.
    await Promise.all([group.start('p1', 30_000, SHARED_ID), group.start('p2', 30_000, SHARED_ID)]);

    const acquiredBy = (process: string) =>
      new Set(group.eventsOf('lease-acquired', process).map((received) => received.event.shardId ?? ''));
    await waitUntil(
      async () => {
        const snapshot = await leases.look();
        const held = snapshot.leases.filter((lease) => lease.owner === SHARED_ID).length;
        return held === 8 && acquiredBy('p1').size + acquiredBy('p2').size === 8;
      },
      20_000,
      () =>
        `p1 acquired [${[...acquiredBy('p1')].join(',')}], p2 acquired [${[...acquiredBy('p2')].join(',')}]`,
    );
    // Every shard was given to exactly one of the two processes.
    const p1Shards = acquiredBy('p1');
    const p2Shards = acquiredBy('p2');
    expect([...p1Shards].filter((shardId) => p2Shards.has(shardId))).toEqual([]);
    // Each process is told, once per shard, why it cannot have the shards the other one holds.
    const sameIdRefusals = (process: string) =>
      group
        .eventsOf('lease-unavailable', process)
        .filter((received) => received.event.reason === 'same-worker-id');
    const told = (process: string, others: ReadonlySet<string>) =>
      [...others].every((shardId) =>
        sameIdRefusals(process).some((received) => received.event.shardId === shardId),
      );
    await waitUntil(
      () => told('p1', p2Shards) && told('p2', p1Shards),
      10_000,
      () => `refusals: p1 ${sameIdRefusals('p1').length}, p2 ${sameIdRefusals('p2').length}`,
    );
    // Several seconds of traffic (more than a session timeout): nothing is processed by both.
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS + 2000));
    // The feed keeps writing: wait for everything written so far, not for a moment with no backlog.
    const writtenSoFar = [...feed.produced];
    await waitUntil(
      () => missingRecords(writtenSoFar, group.processed).length === 0,
      20_000,
      () => `${missingRecords(writtenSoFar, group.processed).length} of ${writtenSoFar.length} not processed`,
    );
    expect(sharedRecords(group.processed)).toEqual([]);
    expect(group.processed.length).toBeGreaterThan(100);
    for (const process of ['p1', 'p2']) {
      const shards = sameIdRefusals(process).map((received) => received.event.shardId);
      expect(shards.length).toBe(new Set(shards).size);
      for (const received of sameIdRefusals(process)) expect(received.event.holder).toBe(SHARED_ID);
    }

    // The process holding more shards dies: the other takes them once the leases expired, and
    // re-reads only records after the checkpoints stored when it died.
    const [victim, survivor, victimShards] =
      p1Shards.size >= p2Shards.size ? (['p1', 'p2', p1Shards] as const) : (['p2', 'p1', p2Shards] as const);
    // The signal is sent synchronously as stop() starts: every report the victim sent was sent
    // before killedAt (it may still arrive after it).
    const stopping = group.stop(victim, 'SIGKILL');
    const killedAt = Date.now();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const checkpointsAtKill = await current.checkpoints([...victimShards]);
    await waitUntil(
      () => [...victimShards].every((shardId) => acquiredBy(survivor).has(shardId)),
      SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + 10_000,
      () => `${survivor} acquired [${[...acquiredBy(survivor)].join(',')}]`,
    );
    for (const shardId of victimShards) {
      const taken = group
        .eventsOf('lease-acquired', survivor)
        .find((received) => received.event.shardId === shardId && received.at > killedAt);
      expect((taken?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(
        SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + SLACK_MS,
      );
    }

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
    );
    const shared = sharedRecords(group.processed);
    // Only the victim's shards, only after their checkpoints, only victim first then survivor.
    expect(duplicatesBeforeCheckpoint(shared, checkpointsAtKill)).toEqual([]);
    for (const reports of shared) {
      expect(reports[0]?.workerId).toBe(victim);
      expect(reports[0]?.sentAt ?? Infinity).toBeLessThanOrEqual(killedAt);
    }
    expect(group.failures).toEqual([]);
  }, 90_000);
});
