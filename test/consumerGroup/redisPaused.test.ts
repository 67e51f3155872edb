// Redis paused (SIGSTOP) longer than the session timeout while slow handlers have a backlog: every
// worker loses every lease at its local deadline, stops emitting, and the shards are re-acquired
// (perhaps by the other worker) once Redis answers again. What can overlap is only handler work
// on records emitted before the deadline, and it is bounded:
// - a handler that ignores abortSignal may process, after a lease was lost, only records it
//   already held, and at each loss what it still holds of lost leases is at most its in-flight
//   budget (maxQueueSize): see lateAtEachLoss for why that, and not a worker's total, is the bound;
// - a handler that checks abortSignal processes nothing after the loss, so every record two
//   workers processed was processed by the old owner before the new owner got it.
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { describeHoldings, duplicateRecords, holdings, missingRecords, shape } from './deliveryReport.js';
import { SESSION_TIMEOUT_MS, startGroupFixture, type GroupFixture } from './groupFixture.js';
import { waitUntil, type ProcessedItem, type ReceivedEvent, type WorkerGroup } from './workerGroup.js';

const SHARDS = 4;
/**
 * The in-flight budget: at HANDLER_DELAY_MS a record, a worker's handler needs 1.6 s for a full
 * queue, longer than the embedded Kinesis (in this starved process) may leave its reads unanswered
 * before the workers' deadlines on an oversubscribed machine, so the handlers still hold records
 * when their leases are lost (the window the first test bounds).
 */
const MAX_QUEUE_SIZE = 160;
const HANDLER_DELAY_MS = 10;
const STARTUP_WAIT_MS = 45_000;

let redis: RedisServerProcess | undefined;
let fixture: GroupFixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  await redis?.close();
  redis = undefined;
});

/** A report a worker sent for a shard while it did not hold its lease, and the loss it followed. */
interface LateReport {
  readonly item: ProcessedItem;
  readonly loss: ReceivedEvent;
}

/**
 * Reports a worker sent for a shard while it did not hold its lease: after its lease-lost event
 * and before its next lease-acquired event (one worker's messages arrive in the order it sent them).
 */
function reportsWhileNotOwner(group: WorkerGroup, workerId: string, shardId: string): LateReport[] {
  const ofShard = (received: ReceivedEvent) => received.event.shardId === shardId;
  const arrivals = [
    ...group.processed
      .filter((item) => item.workerId === workerId && item.shardId === shardId)
      .map((item) => ({ kind: 'item' as const, item, seq: item.seq })),
    ...group
      .eventsOf('lease-lost', workerId)
      .filter(ofShard)
      .map((event) => ({ kind: 'lost' as const, event, seq: event.seq })),
    ...group
      .eventsOf('lease-acquired', workerId)
      .filter(ofShard)
      .map((event) => ({ kind: 'acquired' as const, seq: event.seq })),
  ].sort((a, b) => a.seq - b.seq);
  const late: LateReport[] = [];
  // Not yet acquired, held, or lost (by that event).
  let state: 'new' | 'held' | ReceivedEvent = 'new';
  for (const arrival of arrivals) {
    if (arrival.kind === 'acquired') state = 'held';
    else if (arrival.kind === 'lost') state = arrival.event;
    else if (state === 'new') throw new Error(`${workerId} reported ${shardId} before it ever held it`);
    else if (state !== 'held') late.push({ item: arrival.item, loss: state });
  }
  return late;
}

/**
 * How long the records of a lost lease surely still count in the in-flight budget after the loss:
 * they hold their share until they are done or one lease duration (SESSION_TIMEOUT_MS) went by,
 * on a timer started at the loss. Half of it leaves room for a timer that a stalled event loop
 * dated early (Node dates a timer by the loop's time, which lags while a callback runs).
 */
const HELD_FOR_MS = SESSION_TIMEOUT_MS / 2;

/**
 * For each lease-lost event of a worker: the reports it sent after it for leases it had lost by
 * then (within HELD_FOR_MS), i.e. what its handler still had to do of lost leases at that moment.
 *
 * The library bounds exactly this: a record reported after the loss event was not done at the
 * loss (the worker reports a record before it passes checkpoint()), and a record of a lost lease
 * was emitted before its loss (a reading emits nothing past its deadline), so all of them were in
 * flight at that moment, within maxQueueSize (records of leases lost earlier keep their share of
 * the budget while they wait).
 *
 * It does not bound a worker's late records in all. Its leases are lost each at its own deadline
 * (the last renewal or acquisition sent + SESSION_TIMEOUT_MS); a lease handed over to it within a
 * heartbeat before the pause was never renewed, so its deadline is up to HEARTBEAT_INTERVAL_MS
 * off the other's. In between, the still-held shard is read within the budget while the handler
 * works on the lost lease's records (late, and not in flight at the later loss any more), so a
 * worker's late records in all may exceed maxQueueSize by what its handler did in between (a
 * heartbeat's stagger: up to HEARTBEAT_INTERVAL_MS / HANDLER_DELAY_MS = 50 records; more if
 * renewals failed on a loaded machine before the pause).
 */
function lateAtEachLoss(group: WorkerGroup, workerId: string): { at: string; stillToDo: number }[] {
  const late = shardIdsOf(group).flatMap((shardId) => reportsWhileNotOwner(group, workerId, shardId));
  return group.eventsOf('lease-lost', workerId).map((loss) => ({
    at: `${workerId} lease-lost ${loss.event.shardId ?? ''} (arrival ${loss.seq})`,
    stillToDo: late.filter(
      (report) =>
        report.item.seq > loss.seq &&
        report.loss.seq <= loss.seq &&
        loss.sentAt - report.loss.sentAt < HELD_FOR_MS,
    ).length,
  }));
}

interface PauseOptions {
  readonly abortAware: boolean;
  readonly handlerDelayMs: number;
  /** How long Redis stays paused beyond the session timeout. */
  readonly pastSessionMs: number;
  /** Records processed before each pause. */
  readonly warmUp: number;
  /** Whether a round exercised what the test is about (else Redis is paused again, see rounds). */
  readonly exercised: (group: WorkerGroup) => boolean;
}

/**
 * Most pauses of one test. A round can fail to exercise the window: the embedded Kinesis runs in
 * this process, and if a loaded machine starves it of CPU in the half second before the workers'
 * deadlines, their reads go unanswered and their handlers finish every record (MAX_QUEUE_SIZE
 * records of HANDLER_DELAY_MS: 1.6 s) before the loss. Such a round proves
 * nothing, and the next one is run.
 */
const ROUNDS = 3;

interface PauseOutcome {
  readonly group: WorkerGroup;
  /** In each round, the leases the workers held as the pause began; every one was given up in it. */
  readonly heldAtPauses: readonly number[];
}

async function pauseRedisPastTheSession(options: PauseOptions): Promise<PauseOutcome> {
  redis = await startRedisServer();
  fixture = await startGroupFixture(redis.url, SHARDS, {
    handlerDelayMs: options.handlerDelayMs,
    maxQueueSize: MAX_QUEUE_SIZE,
    abortAware: options.abortAware,
    checkpointBatchSize: 10,
    checkpointIntervalMs: 200,
  });
  const { feed, group, leases } = fixture;

  await feed.put(200);
  // ~250 records/s against two handlers of at most 100 items/s each: both keep a full backlog.
  feed.start(25, 100);
  await Promise.all(['w1', 'w2'].map((id) => group.start(id)));
  const heldAtPauses: number[] = [];
  do {
    // Start-up waits (worker processes compile and connect): generous, as a loaded machine needs.
    await waitUntil(
      async () => shape(await leases.look()) === '2/2',
      STARTUP_WAIT_MS,
      () => describeHoldings(leases.last),
    );
    const warm = group.processed.length + options.warmUp;
    await waitUntil(
      () => group.processed.length >= warm,
      STARTUP_WAIT_MS,
      () => `${group.processed.length} records processed`,
    );
    heldAtPauses.push(await pauseOnce(redis, group, options.pastSessionMs));
    await waitUntil(
      async () => [...holdings(await leases.look()).values()].flat().length === SHARDS,
      30_000,
      () => `after the pause: ${describeHoldings(leases.last)}`,
    );
  } while (heldAtPauses.length < ROUNDS && !options.exercised(group));
  await feed.stop();
  await waitUntil(
    () => missingRecords(feed.produced, group.processed).length === 0,
    60_000,
    () => `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
  );
  return { group, heldAtPauses };
}

/**
 * Pauses Redis until every lease the workers hold is given up and `pastSessionMs` past the
 * session timeout; returns how many leases they held as the pause began.
 */
async function pauseOnce(
  server: RedisServerProcess,
  group: WorkerGroup,
  pastSessionMs: number,
): Promise<number> {
  // The leases the workers hold as they last reported: every one of them is given up in the pause.
  // Usually all of them; on a loaded machine a renewal can come back past the session timeout
  // just before the pause, and that lease is already lost and not yet taken again.
  const held = leasesHeld(group.events);
  const eventsBefore = group.events.length;
  const notGivenUp = () => {
    const since = leasesHeld(group.events.slice(eventsBefore), held);
    return [...held].filter((key) => since.has(key));
  };
  server.signal('SIGSTOP');
  const pausedAt = Date.now();
  try {
    await waitUntil(
      () => notGivenUp().length === 0,
      SESSION_TIMEOUT_MS + 5000,
      () => `leases held at the pause and not given up: ${notGivenUp().join(', ')} of ${held.size}`,
    );
    const remaining = pausedAt + SESSION_TIMEOUT_MS + pastSessionMs - Date.now();
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  } finally {
    server.signal('SIGCONT');
  }
  return held.size;
}

/**
 * Every lease held as Redis was paused was given up in the pause (the pause helper waits for it).
 * Usually that is all of them; on a loaded machine one may be between owners as the pause begins
 * (lost to a late renewal, or handed over), and it is not held then, but it must be held again
 * after (the pause helper waits for every shard to be held and every record processed).
 */
function expectEveryHeldLeaseGivenUp({ group, heldAtPauses }: PauseOutcome): void {
  const timeline = group.events
    .filter(({ event }) => event.type.startsWith('lease-'))
    .map(({ workerId, event }) => `${workerId} ${event.type} ${event.shardId ?? ''}`)
    .join('\n');
  for (const heldAtPause of heldAtPauses)
    expect({ heldAtPause: heldAtPause >= SHARDS - 1, timeline }).toEqual({ heldAtPause: true, timeline });
}

/**
 * Leases held by the workers after `events` (starting from `held`), by their lease events. A lease
 * ends with lease-lost or lease-released, or with a release that failed (error-retried
 * releaseLease: the worker gave it up, and it runs out on its own). A worker gives a lease up
 * that way in the pause when it could not start reading it (its checkpoint could not be read).
 */
function leasesHeld(events: readonly ReceivedEvent[], held: ReadonlySet<string> = new Set()): Set<string> {
  const holding = new Set(held);
  for (const { workerId, event } of events) {
    const key = `${workerId} ${event.shardId ?? ''}`;
    if (event.type === 'lease-acquired') holding.add(key);
    else if (event.type === 'lease-lost' || event.type === 'lease-released') holding.delete(key);
    else if (event.type === 'error-retried' && event.operation === 'releaseLease') holding.delete(key);
  }
  return holding;
}

/** Reports of all workers sent while they did not hold the shard's lease. */
function lateReports(group: WorkerGroup): LateReport[] {
  return ['w1', 'w2'].flatMap((workerId) =>
    shardIdsOf(group).flatMap((shardId) => reportsWhileNotOwner(group, workerId, shardId)),
  );
}

function shardIdsOf(group: WorkerGroup): string[] {
  return [...new Set(group.processed.map((item) => item.shardId))].sort();
}

describe('consumer group: Redis paused past the session timeout, slow handlers', () => {
  it('a handler that ignores abortSignal holds, at each lease loss, at most its in-flight budget of lost leases', async () => {
    const outcome = await pauseRedisPastTheSession({
      abortAware: false,
      handlerDelayMs: HANDLER_DELAY_MS,
      pastSessionMs: 2000,
      warmUp: 150,
      exercised: (group) => lateReports(group).length > 0,
    });
    const { group } = outcome;
    expectEveryHeldLeaseGivenUp(outcome);
    for (const workerId of ['w1', 'w2']) {
      // What one worker's handler still held of lost leases at each loss: within its in-flight budget.
      for (const { at, stillToDo } of lateAtEachLoss(group, workerId))
        expect({ at, withinBudget: stillToDo <= MAX_QUEUE_SIZE, stillToDo }).toEqual({
          at,
          withinBudget: true,
          stillToDo,
        });
    }
    // The backlog was real: some handler work did outlive a lease (the window this test bounds).
    expect(lateReports(group).length).toBeGreaterThan(0);
    expect(group.failures).toEqual([]);
  }, 200_000);

  it('a handler that checks abortSignal processes nothing after the loss: no record is processed by two workers at once', async () => {
    const outcome = await pauseRedisPastTheSession({
      abortAware: true,
      handlerDelayMs: HANDLER_DELAY_MS,
      pastSessionMs: 2000,
      warmUp: 150,
      exercised: () => true,
    });
    const { group } = outcome;
    expectEveryHeldLeaseGivenUp(outcome);
    expect(lateReports(group)).toEqual([]);
    // A record processed by two workers: the second one got it only after the first was done.
    for (const reports of duplicateRecords(group.processed)) {
      const [first, ...later] = reports;
      for (const report of later)
        if (report.workerId !== first?.workerId)
          expect(report.at).toBeGreaterThanOrEqual(first?.at ?? Infinity);
    }
    expect(group.failures).toEqual([]);
  }, 200_000);
});
