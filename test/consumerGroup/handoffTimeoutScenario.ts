// A handoff never gives a shard away mid-record: when a new worker asks for a shard, the owner's
// records in flight cannot all pass checkpoint() within the drain timeout, so the owner keeps the
// lease (handoff-timeout, request withdrawn, no takeover) and hands the shard over only once
// every record in flight was processed and checkpointed: no record is processed by two workers.
//
// What makes the drain time out is a count, not a clock: the owner's handler takes 150 ms per
// item, one at a time, in the order the shards' pages arrived, and the requester asks for the
// owner's first shard. A backlog that merely exists somewhere is not enough: the first shard's
// records may all sit at the head of the queue and be done before the request comes (a loaded
// machine starts the requester late). So, from before the requester starts until the drain timed
// out, the unprocessed backlog is kept at BACKLOG_FLOOR records or more by batches of
// TOP_UP records: each batch lands on both shards at the tail of the owner's queue, so the
// requested shard's last record in flight has at least BACKLOG_FLOOR - 2 * TOP_UP + (its share
// of a batch) records before it even if the latest batch was not read yet: about 35, i.e. 5 s of
// work against a 2 s drain timeout (a loaded machine only makes the work slower). The backlog
// then stops growing, so the drain ends.
import { describeHoldings, duplicateRecords, missingRecords, shape } from './deliveryReport.js';
import type { GroupFixture } from './groupFixture.js';
import type { StartGroup } from './scenarios/groupScenarios.js';
import { waitUntil } from './workerGroup.js';

/** Handler time per item in the workers, in ms. */
const HANDLER_DELAY_MS = 150;
/** Unprocessed records kept in the stream from before the requester starts until the drain timed out. */
const BACKLOG_FLOOR = 80;
/** Records per top-up (about half on each shard). */
const TOP_UP = 30;

/** Puts TOP_UP records whenever fewer than BACKLOG_FLOOR are unprocessed, until stop(). */
function keepBacklog(fixture: GroupFixture): { reached: Promise<void>; stop(): Promise<void> } {
  const { feed, group } = fixture;
  let running = true;
  let reachedFloor!: () => void;
  const reached = new Promise<void>((resolve) => (reachedFloor = resolve));
  const loop = (async () => {
    while (running) {
      if (feed.produced.length - group.processed.length < BACKLOG_FLOOR) await feed.put(TOP_UP);
      else reachedFloor();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    reached,
    async stop() {
      running = false;
      await loop;
    },
  };
}

export async function handoffTimeoutScenario(start: StartGroup): Promise<void> {
  const fixture = await start(2, { handlerDelayMs: HANDLER_DELAY_MS });
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
  const backlog = keepBacklog(fixture);
  try {
    await backlog.reached;
    await group.start('w2');
    await waitUntil(
      () => group.eventsOf('handoff-timeout', 'w1').length >= 1,
      60_000,
      () =>
        `no handoff-timeout from w1; events: ${group.events
          .filter((received) => received.event.type.startsWith('handoff'))
          .map((received) => `${received.workerId} ${received.event.type}`)
          .join(', ')}`,
    );
  } finally {
    await backlog.stop();
  }
  // The owner still holds both shards: the newcomer did not take one over mid-record.
  expect(shape(await leases.look())).toBe('2/0');
  expect(group.eventsOf('handoff-completed')).toEqual([]);
  await waitUntil(
    async () => shape(await leases.look()) === '1/1',
    90_000,
    () => `after the drain: ${describeHoldings(leases.last)}`,
  );
  // The snapshot can show the new holding before w1's handoff-completed report has crossed IPC
  // on a loaded machine: wait for the report.
  const handedToW2 = () => group.eventsOf('handoff-completed').filter((e) => e.event.requester === 'w2');
  await waitUntil(
    () => handedToW2().length >= 1,
    10_000,
    () => `no handoff-completed report for w2 (${describeHoldings(leases.last)})`,
  );
  expect(handedToW2().every((e) => e.event.drained === true)).toBe(true);
  // w2 was live at the release: the store reserved the lease for it, and the event says so.
  expect(handedToW2().map((e) => e.event.reserved)).toEqual(handedToW2().map(() => true));

  await feed.put(20);
  await waitUntil(
    () => missingRecords(feed.produced, group.processed).length === 0,
    90_000,
    () => `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
  );
  expect(duplicateRecords(group.processed)).toEqual([]);
  expect(group.eventsOf('lease-lost')).toEqual([]);
  expect(group.failures).toEqual([]);
}
