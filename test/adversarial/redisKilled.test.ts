// redis-server killed with SIGKILL (no shutdown, connections reset) and started again on the same
// port, with its append-only file written at every command or with no persistence at all (it
// comes back empty: leases, positions and shard ends gone), while two worker processes consume with
// checkpoints in flight: once briefly (back within the session), once for longer than the
// session (every lease lost at its deadline). What must hold: the workers keep running and take
// the shards back, balanced; every record is processed; no checkpoint read in the run was ahead
// of the records processed; with the append-only file, no record at or before a checkpoint stored
// before the first kill is processed twice and no position moved backwards. The server has a
// password, which none of the errors the workers report carries.
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import {
  describeHoldings,
  duplicateRecords,
  duplicatesBeforeCheckpoint,
  holdings,
  missingRecords,
  shape,
} from '../consumerGroup/deliveryReport.js';
import { startGroupFixture, type GroupFixture } from '../consumerGroup/groupFixture.js';
import { waitUntil } from '../consumerGroup/workerGroup.js';
import { CheckpointSampler, type CheckpointSample } from './checkpointSamples.js';

/** The server's password: it must appear in no event or error the workers report. */
const PASSWORD = 'adversarial-redis-password-9f2c';
const SHARDS = [
  'shardId-000000000000',
  'shardId-000000000001',
  'shardId-000000000002',
  'shardId-000000000003',
];

let redis: RedisServerProcess | undefined;
let fixture: GroupFixture | undefined;
let sampler: CheckpointSampler | undefined;

afterAll(async () => {
  await sampler?.stop();
  await fixture?.close();
  await redis?.close();
});

/** SIGKILLs redis-server and starts it again on its port once the old process let go of it. */
async function killAndRestart(server: RedisServerProcess, downAtLeast?: () => Promise<void>): Promise<void> {
  server.signal('SIGKILL');
  await downAtLeast?.();
  await waitUntil(
    () =>
      server.start().then(
        () => true,
        () => false,
      ),
    20_000,
    () => `redis-server did not start again on port ${server.port}`,
  );
}

/** Positions of a shard that went backwards between two reads. */
function backwards(samples: readonly CheckpointSample[]): string[] {
  const last = new Map<string, CheckpointSample>();
  const found: string[] = [];
  for (const sample of samples) {
    const before = last.get(sample.shardId);
    last.set(sample.shardId, sample);
    if (before === undefined || before.stored.kind === 'shard-end') continue;
    if (sample.stored.kind === 'shard-end') continue;
    const a = before.stored.position;
    const b = sample.stored.position;
    const order =
      compareSequenceNumbers(b.sequenceNumber, a.sequenceNumber) ||
      (b.subSequenceNumber ?? Infinity) - (a.subSequenceNumber ?? Infinity);
    if (order < 0) found.push(`${sample.shardId}: ${a.sequenceNumber} then ${b.sequenceNumber}`);
  }
  return found;
}

describe.each([
  { persistence: 'an append-only file written at every command', appendOnly: true },
  { persistence: 'no persistence (it comes back empty)', appendOnly: false },
])('redis-server killed (SIGKILL) and restarted mid-run, $persistence', ({ appendOnly }) => {
  it('the workers recover; every record processed, no checkpoint ahead of the work', async () => {
    await sampler?.stop();
    await fixture?.close();
    await redis?.close();
    const server = await startRedisServer({ appendOnly, args: ['--requirepass', PASSWORD] });
    redis = server;
    const url = `redis://:${PASSWORD}@127.0.0.1:${server.port}`;
    fixture = await startGroupFixture(url, SHARDS.length, {
      checkpointBatchSize: 10,
      checkpointIntervalMs: 200,
      handlerDelayMs: 2,
      kinesis: { limits: true },
    });
    const { feed, group, leases, observer, streamName } = fixture;
    const current = fixture;
    sampler = new CheckpointSampler(observer, streamName, () => SHARDS, 100);
    const allHeld = async () =>
      shape(await leases.look()) === '2/2' &&
      [...holdings(leases.last).values()].flat().length === SHARDS.length;

    await feed.put(200);
    feed.start(8, 100);
    await Promise.all(['w1', 'w2'].map((id) => group.start(id)));
    await waitUntil(allHeld, 30_000, () => describeHoldings(leases.last));
    await waitUntil(
      () => group.processed.length >= 150,
      30_000,
      () => `${group.processed.length} processed`,
    );

    // A short outage, with checkpoint writes in flight.
    const checkpointsAtFirstKill = await current.checkpoints(SHARDS);
    await killAndRestart(server);
    const afterFirst = group.processed.length;
    await waitUntil(
      async () => group.processed.length >= afterFirst + 100 && (await allHeld()),
      40_000,
      () =>
        `after the first kill: ${group.processed.length - afterFirst} processed; ${describeHoldings(leases.last)}`,
    );

    // A long one: every lease is lost at its deadline before Redis is back.
    const lostBefore = group.eventsOf('lease-lost').length;
    await killAndRestart(server, () =>
      waitUntil(
        () => group.eventsOf('lease-lost').length >= lostBefore + SHARDS.length,
        current.sessionTimeoutMs + 15_000,
        () => `lease-lost events: ${group.eventsOf('lease-lost').length - lostBefore}`,
      ),
    );
    await waitUntil(allHeld, 40_000, () => `after the second kill: ${describeHoldings(leases.last)}`);
    expect(group.aliveWorkers.sort()).toEqual(['w1', 'w2']);

    await feed.stop();
    await waitUntil(
      () => missingRecords(feed.produced, group.processed).length === 0,
      60_000,
      () =>
        `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
    );
    await sampler.stop();
    expect(sampler.aheadOfWork(feed.produced, group.processed)).toEqual([]);
    if (appendOnly) {
      // Nothing stored was lost: what was checkpointed is not read again, no position moved back.
      expect(duplicatesBeforeCheckpoint(duplicateRecords(group.processed), checkpointsAtFirstKill)).toEqual(
        [],
      );
      expect(backwards(sampler.samples)).toEqual([]);
    }
    expect(group.failures).toEqual([]);
    // The outages were reported (failed calls, lost leases), and never with the password.
    expect(group.eventsOf('error-retried').length).toBeGreaterThan(0);
    expect(JSON.stringify(group.events)).not.toContain(PASSWORD);
  }, 150_000);
});
