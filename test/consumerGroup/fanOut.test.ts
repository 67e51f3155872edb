// The consumer-group scenarios with every worker reading by enhanced fan-out (SubscribeToShard) as
// one stream consumer, leases in Redis: balancing with drained handoffs, a SIGKILLed worker taken
// over, a graceful stop, a handoff that waits for the records in flight. On top of each scenario's
// own checks, what fan-out adds: no subscription outlives the lease (or the process) it was
// opened under, so no new owner ever has to take a subscription over from an old one, nor wait on
// ResourceInUseException past the server's 5 s rule; and in the end each held shard has its one
// open subscription and no other shard has any. Also: workers killed while they register the
// stream consumer (test/adversarial/killDuringRegistrationScenario.ts).
import type { LocalKinesis } from '../../src/local/index.js';
import {
  FAN_OUT_CONSUMER,
  HEARTBEAT_INTERVAL_MS,
  SESSION_TIMEOUT_MS,
  startGroupFixture,
  type GroupFixture,
  type GroupFixtureOptions,
} from './groupFixture.js';
import { balanceScenario, gracefulStopScenario, takeoverScenario } from './scenarios/groupScenarios.js';
import { handoffTimeoutScenario } from './handoffTimeoutScenario.js';
import { killDuringRegistrationScenario } from '../adversarial/killDuringRegistrationScenario.js';
import { SubscriptionWatch } from './subscriptionWatch.js';
import type { ReceivedEvent } from './workerGroup.js';
import { waitUntil } from './workerGroup.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

/** Room for a loaded machine: IPC, a late heartbeat, a slow Redis or Kinesis call. */
const SLACK_MS = 1500;
/** The local server refuses a second subscription for 5 s after the open one started (as AWS). */
const TAKEOVER_AFTER_MS = 5000;

let redis: TestRedis;
let fixture: GroupFixture | undefined;
let watch: SubscriptionWatch | undefined;

const start = async (shards: number, options: GroupFixtureOptions = {}): Promise<GroupFixture> => {
  fixture = await startGroupFixture(redis.url, shards, { ...options, enhancedFanOut: true });
  watch = new SubscriptionWatch(fixture, localOf(fixture), FAN_OUT_CONSUMER);
  return fixture;
};

function localOf(started: GroupFixture): LocalKinesis {
  if (started.local === undefined) throw new Error('a fan-out group fixture has its local Kinesis');
  return started.local;
}

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  await fixture?.close();
  fixture = undefined;
});

afterAll(async () => {
  await redis.close();
});

const isSubscribeInUse = (received: ReceivedEvent): boolean =>
  received.event.type === 'error-retried' &&
  received.event.operation === 'SubscribeToShard' &&
  String(received.event.error).startsWith('SubscriptionInUseError');

/** The checks fan-out adds to every scenario, once it has passed. */
async function expectSubscriptionsFollowedLeases(): Promise<void> {
  const started = fixture as GroupFixture;
  const local = localOf(started);
  const watching = watch as SubscriptionWatch;
  const { group } = started;

  // Every worker read by fan-out (no fallback to polling): the server sent the records.
  expect(local.stats.fanOutSubscriptions).toBeGreaterThan(0);
  expect(local.stats.fanOutRecords).toBeGreaterThanOrEqual(started.feed.produced.length);
  // In the end each held shard has exactly its one subscription, and no other shard has one.
  let leased: string[] = [];
  await waitUntil(
    async () => {
      const snapshot = await started.leases.look();
      const alive = new Set(group.aliveWorkers);
      leased = snapshot.leases
        .filter((lease) => lease.owner !== undefined && alive.has(lease.owner))
        .map((lease) => lease.shardId)
        .sort();
      return JSON.stringify(watching.open()) === JSON.stringify(leased);
    },
    15_000,
    () => `open subscriptions [${watching.open().join(', ')}] vs leased shards [${leased.join(', ')}]`,
  );
  await watching.stop();
  expect(watching.samples).toBeGreaterThan(10);
  // No subscription stayed open for long on a shard whose lease no running worker held.
  expect(watching.orphans).toEqual([]);
  // No new owner had to take a subscription over from a previous one (the previous one was gone).
  expect(local.stats.fanOutTakenOverSubscriptions).toBe(0);
  // A refused subscription (ResourceInUseException) is retried at 1/s and never for longer than
  // the server's rule allows: per worker and shard, at most one refusal a second of that rule.
  const refusals = new Map<string, number>();
  for (const received of group.events.filter(isSubscribeInUse)) {
    const key = `${received.workerId}/${String(received.event.shardId)}`;
    refusals.set(key, (refusals.get(key) ?? 0) + 1);
  }
  const acquisitions = new Map<string, number>();
  for (const received of group.eventsOf('lease-acquired')) {
    const key = `${received.workerId}/${String(received.event.shardId)}`;
    acquisitions.set(key, (acquisitions.get(key) ?? 0) + 1);
  }
  const beyondRule = [...refusals]
    .filter(([key, count]) => count > (acquisitions.get(key) ?? 1) * (TAKEOVER_AFTER_MS / 1000 + 1))
    .map(([key, count]) => `${key}: ${count} refusals, ${acquisitions.get(key) ?? 0} acquisitions`);
  expect(beyondRule).toEqual([]);
  expect(group.failures).toEqual([]);
}

describe('consumer group reading by enhanced fan-out (Redis leases)', () => {
  it('3 workers on 6 shards settle at 2/2/2; a 4th joins by handoff (2/2/1/1); each subscription follows its lease', async () => {
    await balanceScenario(start);
    await expectSubscriptionsFollowedLeases();
  }, 120_000);

  it('a SIGKILLed worker: its subscriptions end with its connections, its shards are taken and resubscribed at once; only records after its checkpoint are read twice', async () => {
    await takeoverScenario(start, {
      takeoverWithinMs: SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS + SLACK_MS,
      expectEvenSplit: true,
    });
    const started = fixture as GroupFixture;
    // The victim's shards were subscribed again by their new owners without a single refusal:
    // the server had closed the dead worker's subscriptions with its connections.
    // The shards w2 held when it died: its last lease report for each is an acquisition.
    const lastOfW2 = new Map<string, ReceivedEvent>();
    for (const received of started.group.events)
      if (
        received.workerId === 'w2' &&
        ['lease-acquired', 'lease-released', 'lease-lost', 'handoff-completed'].includes(received.event.type)
      )
        lastOfW2.set(String(received.event.shardId), received);
    const victimShards = [...lastOfW2].filter(([, received]) => received.event.type === 'lease-acquired');
    expect(victimShards).toHaveLength(2);
    const refusedOnVictimShards = started.group.events
      .filter(isSubscribeInUse)
      .filter((received) =>
        victimShards.some(
          ([shardId, acquired]) =>
            received.workerId !== 'w2' && received.event.shardId === shardId && received.seq > acquired.seq,
        ),
      );
    expect(refusedOnVictimShards).toEqual([]);
    await expectSubscriptionsFollowedLeases();
  }, 120_000);

  it('a worker that stops gracefully closes its subscriptions, releases and leaves: the others subscribe at once, nothing is read twice', async () => {
    await gracefulStopScenario(start);
    await expectSubscriptionsFollowedLeases();
  }, 120_000);

  it('a handoff waits for the records in flight: the subscription moves only once they are done, nothing is processed by two workers', async () => {
    await handoffTimeoutScenario(start);
    await expectSubscriptionsFollowedLeases();
  }, 240_000);

  it('a worker SIGKILLed while it registers the stream consumer (CREATING), on a new stream and after a deregistration: the next one reads every shard by fan-out as that consumer, from the checkpoints; one consumer is left', async () => {
    await killDuringRegistrationScenario(start);
    await expectSubscriptionsFollowedLeases();
  }, 120_000);
});
