// kill -9 of an enhanced fan-out worker while it registers its stream consumer, then a new worker
// with the same options and lease store. The local Kinesis keeps a consumer CREATING (and a
// deregistered one DELETING) for 4 s, so the test pins each kill with SIGSTOP inside that window,
// checks where the worker was, then SIGKILLs it:
// 1. On a new stream: the worker has registered the consumer and polls DescribeStreamConsumer while
//    it is CREATING. The next worker finds that consumer, waits for it to become ACTIVE and reads
//    every shard by fan-out as it.
// 2. After that worker was killed with its work checkpointed and the consumer deregistered (as the
//    README says to clean up after an application), records are written with no worker running;
//    a worker waits out DELETING, registers the consumer anew and is killed while it is CREATING.
//    The next worker reads every shard by fan-out as the consumer the killed one registered, from
//    the checkpoints: every record after them, none before.
// Each time the stream ends with exactly one stream consumer: none is left behind. The fan-out
// consumer-group suite (test/consumerGroup/fanOut.test.ts) runs it on its Redis.
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  ListStreamConsumersCommand,
  type Consumer,
} from '@aws-sdk/client-kinesis';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import type { LocalKinesis } from '../../src/local/index.js';
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import { describeHoldings, holdings, missingRecords } from '../consumerGroup/deliveryReport.js';
import { FAN_OUT_CONSUMER, type GroupFixture } from '../consumerGroup/groupFixture.js';
import type { StartGroup } from '../consumerGroup/scenarios/groupScenarios.js';
import { waitUntil } from '../consumerGroup/workerGroup.js';

/** How long the local Kinesis keeps a stream consumer CREATING or DELETING. */
const STATUS_DELAY_MS = 4000;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

function localOf(started: GroupFixture): LocalKinesis {
  if (started.local === undefined) throw new Error('a fan-out group fixture has its local Kinesis');
  return started.local;
}

async function consumersOf(started: GroupFixture): Promise<Consumer[]> {
  const summary = await started.client.send(
    new DescribeStreamSummaryCommand({ StreamName: started.streamName }),
  );
  const listed = await started.client.send(
    new ListStreamConsumersCommand({ StreamARN: summary.StreamDescriptionSummary?.StreamARN }),
  );
  return listed.Consumers ?? [];
}

/**
 * Starts `workerId`, waits until the stream has a CREATING consumer other than `previousArn`,
 * freezes the worker there, checks it has not started reading, and kills it. Returns the ARN of
 * the consumer it registered.
 */
async function killWhileRegistering(
  started: GroupFixture,
  workerId: string,
  previousArn?: string,
): Promise<string> {
  const { group } = started;
  await group.start(workerId);
  let registered: Consumer | undefined;
  await waitUntil(
    async () => {
      registered = (await consumersOf(started)).find(
        (consumer) => consumer.ConsumerStatus === 'CREATING' && consumer.ConsumerARN !== previousArn,
      );
      return registered !== undefined;
    },
    20_000,
    () => `${workerId} registered no consumer`,
  );
  group.signal(workerId, 'SIGSTOP');
  // Frozen while its consumer is still CREATING: it is between DescribeStreamConsumer calls (or in
  // one), has not started, holds no lease.
  const now = await consumersOf(started);
  expect(now.map((consumer) => [consumer.ConsumerName, consumer.ConsumerStatus])).toEqual([
    [FAN_OUT_CONSUMER, 'CREATING'],
  ]);
  expect(group.eventsOf('consumer-started', workerId)).toEqual([]);
  expect(holdings(await started.leases.look()).get(workerId) ?? []).toEqual([]);
  await group.stop(workerId, 'SIGKILL');
  return registered?.ConsumerARN ?? '';
}

/** Waits until `workerId` holds every shard and the consumer has one open subscription per shard. */
async function readsEveryShardByFanOut(started: GroupFixture, workerId: string): Promise<void> {
  const local = localOf(started);
  await waitUntil(
    async () => {
      const held = holdings(await started.leases.look()).get(workerId) ?? [];
      const open = local
        .subscriptions({ streamName: started.streamName, consumerName: FAN_OUT_CONSUMER })
        .map((subscription) => subscription.shardId)
        .sort();
      return held.length === SHARDS.length && JSON.stringify(open) === JSON.stringify(SHARDS);
    },
    30_000,
    () => `${describeHoldings(started.leases.last)}; open: ${JSON.stringify(local.subscriptions())}`,
  );
}

/** Runs the scenario on a fan-out group fixture from `start` (the caller closes it). */
export async function killDuringRegistrationScenario(start: StartGroup): Promise<void> {
  const started = await start(SHARDS.length, { fanOutStatusDelayMs: STATUS_DELAY_MS });
  const { feed, group } = started;
  const local = localOf(started);
  await feed.put(100);

  // 1. Killed while its new consumer is CREATING; the next worker reads as that consumer.
  const firstArn = await killWhileRegistering(started, 'w1');
  await group.start('w2');
  await waitUntil(
    () => missingRecords(feed.produced, group.processed).length === 0,
    30_000,
    () => `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
  );
  await readsEveryShardByFanOut(started, 'w2');
  expect(
    (await consumersOf(started)).map((consumer) => [consumer.ConsumerARN, consumer.ConsumerStatus]),
  ).toEqual([[firstArn, 'ACTIVE']]);
  expect(local.stats.fanOutRecords).toBeGreaterThanOrEqual(feed.produced.length);

  // Everything checkpointed, w2 killed, its consumer deregistered; more records meanwhile.
  const last = new Map<string, string>();
  for (const record of feed.produced) last.set(record.shardId, record.sequenceNumber);
  let stored = new Map<string, CheckpointPosition | undefined>();
  await waitUntil(
    async () => {
      stored = await started.checkpoints(SHARDS);
      return SHARDS.every((shardId) => stored.get(shardId)?.sequenceNumber === last.get(shardId));
    },
    15_000,
    () => `checkpoints ${JSON.stringify([...stored])} short of ${JSON.stringify([...last])}`,
  );
  await group.stop('w2', 'SIGKILL');
  await started.client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: firstArn }));
  const before = feed.produced.length;
  await feed.put(100);
  const fanOutRecordsBefore = local.stats.fanOutRecords;
  const processedBefore = group.processed.length;

  // 2. Killed while the consumer it registered anew (after DELETING) is CREATING.
  const secondArn = await killWhileRegistering(started, 'w3', firstArn);
  expect(secondArn).not.toBe(firstArn);
  await group.start('w4');
  await waitUntil(
    () => missingRecords(feed.produced, group.processed).length === 0,
    30_000,
    () => `${missingRecords(feed.produced, group.processed).length} of ${feed.produced.length} not processed`,
  );
  await readsEveryShardByFanOut(started, 'w4');
  expect(
    (await consumersOf(started)).map((consumer) => [consumer.ConsumerARN, consumer.ConsumerStatus]),
  ).toEqual([[secondArn, 'ACTIVE']]);
  // w4 read from the checkpoints: each of the new records once, none of those before.
  const byW4 = group.processed.slice(processedBefore).filter((item) => item.workerId === 'w4');
  expect(byW4.map((item) => item.id).sort((a, b) => a - b)).toEqual(
    feed.produced
      .slice(before)
      .map((record) => record.id)
      .sort((a, b) => a - b),
  );
  expect(
    byW4.filter((item) => compareSequenceNumbers(item.sequenceNumber, last.get(item.shardId) ?? '0') <= 0),
  ).toEqual([]);
  expect(local.stats.fanOutRecords - fanOutRecordsBefore).toBeGreaterThanOrEqual(byW4.length);
  expect(group.failures).toEqual([]);
}
