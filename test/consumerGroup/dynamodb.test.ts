// The consumer-group scenarios with the leases in a DynamoDB (KCL-format) lease table: balancing
// across processes with drained handoffs, a SIGKILLed worker's shards taken over, a graceful
// stop, and a handoff that waits for the records in flight.
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
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

/** Room for a loaded machine: IPC, a late heartbeat, a slow DynamoDB or Kinesis call. */
const SLACK_MS = 1500;

let dynamo: TestDynamoDB;
let fixture: GroupFixture | undefined;

beforeAll(async () => {
  dynamo = await startTestDynamoDB();
});

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

afterAll(async () => {
  await dynamo.close();
});

describe('consumer group on a DynamoDB lease table', () => {
  it('3 workers on 6 shards settle at 2/2/2; a 4th joins by handoff (2/2/1/1) and nothing is read twice', async () => {
    fixture = await startGroupFixture('unused', 6, { dynamodbEndpoint: dynamo.endpoint });
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
    const handedToW4 = group.eventsOf('handoff-completed').filter((e) => e.event.requester === 'w4');
    expect(handedToW4.length).toBeGreaterThanOrEqual(1);

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

  it('a SIGKILLed worker loses its shards within failover time + two heartbeats; only records after its checkpoint are read twice', async () => {
    fixture = await startGroupFixture('unused', 6, {
      dynamodbEndpoint: dynamo.endpoint,
      checkpointBatchSize: 1000,
      checkpointIntervalMs: 1500,
    });
    const current = fixture;
    const { feed, group, leases } = current;
    await feed.put(60);
    feed.start(10, 100);
    await Promise.all(['w1', 'w2', 'w3'].map((id) => group.start(id)));
    await waitUntil(
      async () => shape(await leases.look()) === '2/2/2',
      20_000,
      () => describeHoldings(leases.last),
    );
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
      // The counter stops moving at the kill; others see that within a heartbeat.
      expect((taken?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(
        SESSION_TIMEOUT_MS + 2 * HEARTBEAT_INTERVAL_MS + SLACK_MS,
      );
    }

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      20_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} records not processed`,
    );
    const duplicates = duplicateRecords(group.processed);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(duplicatesBeforeCheckpoint(duplicates, checkpointsAtKill)).toEqual([]);
    for (const reports of duplicates) expect(reports.some((item) => item.workerId === 'w2')).toBe(true);
    expect(group.failures).toEqual([]);
  }, 80_000);

  it('a worker that stops gracefully writes its last checkpoints, releases and leaves: the others take over at once, nothing is read twice', async () => {
    fixture = await startGroupFixture('unused', 6, {
      dynamodbEndpoint: dynamo.endpoint,
      checkpointBatchSize: 1000,
      checkpointIntervalMs: 1500,
    });
    const current = fixture;
    const { feed, group, leases } = current;
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
    expect((await current.snapshot()).liveWorkers).toEqual(['w1', 'w3']);
    await waitUntil(
      async () => shape(await leases.look()) === '3/3',
      10_000,
      () => `after the stop: ${describeHoldings(leases.last)}`,
    );
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

  it('a handoff waits for the records in flight: nothing is processed by two workers', async () => {
    // 150 ms per item: the records in flight take far longer than the drain timeout.
    fixture = await startGroupFixture('unused', 2, {
      dynamodbEndpoint: dynamo.endpoint,
      handlerDelayMs: 150,
    });
    const { feed, group, leases } = fixture;
    await feed.put(60);
    await group.start('w1');
    await waitUntil(
      async () => shape(await leases.look()) === '2',
      20_000,
      () => describeHoldings(leases.last),
    );
    await waitUntil(
      () => group.processed.length >= 5,
      20_000,
      () => `w1 processed ${group.processed.length}`,
    );
    await group.start('w2');
    await waitUntil(
      () => group.eventsOf('handoff-timeout', 'w1').length >= 1,
      20_000,
      () => `no handoff-timeout from w1 (${describeHoldings(leases.last)})`,
    );
    expect(shape(await leases.look())).toBe('2/0');
    await waitUntil(
      async () => shape(await leases.look()) === '1/1',
      60_000,
      () => `after the drain: ${describeHoldings(leases.last)}`,
    );
    const handedToW2 = group.eventsOf('handoff-completed').filter((e) => e.event.requester === 'w2');
    expect(handedToW2.length).toBeGreaterThanOrEqual(1);
    expect(handedToW2.every((e) => e.event.drained === true)).toBe(true);
    await feed.put(20);
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      60_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
    );
    expect(duplicateRecords(group.processed)).toEqual([]);
    expect(group.eventsOf('lease-lost')).toEqual([]);
    expect(group.failures).toEqual([]);
  }, 150_000);
});
