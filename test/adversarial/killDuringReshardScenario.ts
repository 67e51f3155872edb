// kill -9 of consumer-group workers (the worker processes of test/consumerGroup) while the stream
// is resharded under them, on the local Kinesis with its limits on, checkpoints written seldom
// (so each victim dies with processed records not yet checkpointed):
// 1. a split of shard 0: the first worker seen holding a child's lease is killed right after it
//    took it (children being picked up);
// 2. a merge of shard 3 into shard 1, with a backlog on both: the worker holding the only lease
//    of parent shard 1 is killed while it still reads it.
// Survivors (and the replacements started) take over. What must hold: every record written was
// processed by some process; no stored checkpoint was ever ahead of the records processed; no
// child record was processed before the last record of each of its parents; the leases end up
// balanced across the processes alive. Each lease store's test file runs it.
import {
  DescribeStreamSummaryCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { describeHoldings, holdings, missingRecords, shape } from '../consumerGroup/deliveryReport.js';
import {
  HEARTBEAT_INTERVAL_MS,
  type GroupFixture,
  type GroupFixtureOptions,
} from '../consumerGroup/groupFixture.js';
import { waitUntil, type ReceivedEvent } from '../consumerGroup/workerGroup.js';
import { CheckpointSampler } from './checkpointSamples.js';

const shard = (n: number) => `shardId-00000000000${n}`;
const LINEAGE: Record<string, readonly string[]> = {
  [shard(2)]: [shard(0)],
  [shard(3)]: [shard(0)],
  [shard(4)]: [shard(3), shard(1)],
};

/** Starts a group fixture on the store under test (the caller closes it after the test). */
export type StartGroup = (shards: number, options: GroupFixtureOptions) => Promise<GroupFixture>;

/** Waits for the stream to be ACTIVE again (a throttled DescribeStreamSummary is asked again). */
async function active(client: KinesisClient, streamName: string): Promise<void> {
  await waitUntil(
    async () => {
      const out = await client
        .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
        .catch(() => undefined);
      return out?.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    },
    30_000,
    () => `stream ${streamName} not ACTIVE`,
  );
}

let stopSampler: (() => Promise<void>) | undefined;

/** Stops the checkpoint sampler of a scenario that failed before it did (for afterEach). */
export async function stopKillDuringReshard(): Promise<void> {
  await stopSampler?.();
  stopSampler = undefined;
}

/**
 * Runs the scenario on a fixture from `start`; `sessionTimeoutMs` is the store's session (the
 * fixture's default when undefined), `startupMs` how long workers may take to settle at first.
 */
export async function killDuringReshardScenario(
  start: StartGroup,
  sessionTimeoutMs: number | undefined,
  startupMs = 30_000,
): Promise<void> {
  const fixture = await start(2, {
    checkpointBatchSize: 1000,
    checkpointIntervalMs: 1000,
    handlerDelayMs: 3,
    kinesis: { limits: true },
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
  });
  const { feed, group, leases, client, streamName, observer } = fixture;
  const sampler = new CheckpointSampler(observer, streamName, () => [0, 1, 2, 3, 4].map(shard));
  stopSampler = () => sampler.stop();

  await feed.put(200);
  feed.start(10, 100);
  await Promise.all(['w1', 'w2'].map((id) => group.start(id)));
  await waitUntil(
    async () => shape(await leases.look()) === '1/1',
    startupMs,
    () => describeHoldings(leases.last),
  );
  await waitUntil(
    () => group.processed.length >= 150,
    30_000,
    () => `${group.processed.length} processed`,
  );

  // 1. Split shard 0; kill the first worker seen holding a child, right after it took it.
  const eventsBeforeSplit = group.events.length;
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: shard(0),
      NewStartingHashKey: (2n ** 126n).toString(),
    }),
  );
  await active(client, streamName);
  await group.start('w3');
  let childTaker: ReceivedEvent | undefined;
  await waitUntil(
    () => {
      childTaker = group.events
        .slice(eventsBeforeSplit)
        .find(
          ({ event }) =>
            event.type === 'lease-acquired' && (event.shardId === shard(2) || event.shardId === shard(3)),
        );
      return childTaker !== undefined;
    },
    30_000,
    () => `no child lease taken: ${describeHoldings(leases.last)}`,
  );
  const firstVictim = childTaker?.workerId ?? '';
  await group.stop(firstVictim, 'SIGKILL');
  await group.start('w4');

  // 2. A backlog on every shard, then merge 3 into 1; kill the holder of parent 1 at once.
  await waitUntil(
    async () => {
      const held = holdings(await leases.look());
      return [shard(1), shard(2), shard(3)].every((id) =>
        group.aliveWorkers.some((worker) => held.get(worker)?.includes(id)),
      );
    },
    fixture.sessionTimeoutMs + HEARTBEAT_INTERVAL_MS + 20_000,
    () => `open shards not all held after the first kill: ${describeHoldings(leases.last)}`,
  );
  await feed.put(300);
  await feed.put(300);
  await client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: shard(3),
      AdjacentShardToMerge: shard(1),
    }),
  );
  await active(client, streamName);
  // (Between two holders while a handoff balances the joiners, it may be held by no one for a moment.)
  let secondVictim = '';
  await waitUntil(
    async () => {
      const holder = [...holdings(await leases.look())].find(([, shards]) => shards.includes(shard(1)));
      secondVictim = holder?.[0] ?? '';
      return group.aliveWorkers.includes(secondVictim);
    },
    fixture.sessionTimeoutMs + 20_000,
    () => `parent ${shard(1)} held by no live worker: ${describeHoldings(leases.last)}`,
  );
  const parentAtKill = await observer.getCheckpoint(streamName, shard(1));
  await group.stop(secondVictim, 'SIGKILL');
  // It died inside the parent: the shard was not read to its end yet.
  expect(parentAtKill?.kind).not.toBe('shard-end');
  if (group.aliveWorkers.length < 2) await group.start('w5');

  // Records for the merged shard (and shard 2): on a loaded machine the feed may put none between
  // the merge and its stop, and the lineage check below needs the child read.
  await feed.put(100);
  await feed.stop();
  await waitUntil(
    () => missingRecords(feed.produced, group.processed).length === 0,
    60_000,
    () =>
      `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed; ` +
      describeHoldings(leases.last),
  );
  // The open shards (2 and 4) end up one per process on two of the processes alive.
  await waitUntil(
    async () => {
      const held = holdings(await leases.look());
      const open = [...held.values()].flat().filter((id) => id === shard(2) || id === shard(4));
      return open.length === 2 && [...held.values()].every((shards) => shards.length <= 1);
    },
    fixture.sessionTimeoutMs + 20_000,
    () => `not balanced: ${describeHoldings(leases.last)}`,
  );
  await stopKillDuringReshard();

  // Every checkpoint read during the run covered only records some process had reported.
  const ahead = sampler.aheadOfWork(feed.produced, group.processed);
  expect(ahead.slice(0, 3)).toEqual([]);
  expect(sampler.samples.some((sample) => sample.stored.kind === 'shard-end')).toBe(true);

  // No child record was processed before the last record of any of its parents.
  for (const [child, parents] of Object.entries(LINEAGE)) {
    const childReports = group.processed.filter((item) => item.shardId === child);
    expect(childReports.length).toBeGreaterThan(0);
    const firstChild = Math.min(...childReports.map((item) => item.sentAt));
    for (const parent of parents) {
      const lastParent = Math.max(
        ...group.processed.filter((item) => item.shardId === parent).map((item) => item.sentAt),
      );
      expect({ child, parent, childBeforeParent: firstChild < lastParent }).toEqual({
        child,
        parent,
        childBeforeParent: false,
      });
    }
  }
  expect(group.failures).toEqual([]);
}
