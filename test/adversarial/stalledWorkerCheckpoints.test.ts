// A worker frozen (SIGSTOP) past its lease with processed records whose positions it has not
// written yet, then thawed (SIGCONT) after another worker took its shards and read them to their
// end. The thawed worker must not write any of those positions: its leases are gone (the owner
// token no longer matches), and a position it wrote would sit behind the new owner's. Checkpoints
// are written only at handoffs (no batch or interval write comes within the test) and the feed
// stops as the worker freezes, so the positions those shards can hold are the one stored when it
// froze and their last record (the new owner's write when it hands them back); any other value
// seen there came from the thawed worker.
import { describeHoldings, holdings, missingRecords, shape } from '../consumerGroup/deliveryReport.js';
import {
  HEARTBEAT_INTERVAL_MS,
  startGroupFixture,
  type GroupFixture,
} from '../consumerGroup/groupFixture.js';
import { waitUntil } from '../consumerGroup/workerGroup.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { CheckpointSampler } from './checkpointSamples.js';

const SHARDS = [
  'shardId-000000000000',
  'shardId-000000000001',
  'shardId-000000000002',
  'shardId-000000000003',
];

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;
let sampler: CheckpointSampler | undefined;

afterAll(async () => {
  await sampler?.stop();
  await fixture?.close();
  await redis?.close();
});

describe('a worker frozen past its lease, then thawed', () => {
  it('writes no checkpoint on the shards it lost; the group recovers and every record is processed', async () => {
    redis = await startTestRedis();
    fixture = await startGroupFixture(redis.url, SHARDS.length, {
      // No batch or interval write within the test: positions are written at handoffs only.
      checkpointBatchSize: 100_000,
      checkpointIntervalMs: 600_000,
      handlerDelayMs: 4,
      kinesis: { limits: true },
    });
    const { feed, group, leases, observer, streamName } = fixture;
    const current = fixture;
    sampler = new CheckpointSampler(observer, streamName, () => SHARDS, 100);

    await feed.put(400);
    feed.start(8, 100);
    await Promise.all(['w1', 'w2'].map((id) => group.start(id)));
    await waitUntil(
      async () => shape(await leases.look()) === '2/2',
      30_000,
      () => describeHoldings(leases.last),
    );
    const frozenShards = holdings(leases.last).get('w1') ?? [];
    const byW1 = (shardId: string) =>
      group.processed.filter((item) => item.workerId === 'w1' && item.shardId === shardId).length;
    // Frozen with processed records on each of its shards, none of them checkpointed.
    await waitUntil(
      () => frozenShards.every((shardId) => byW1(shardId) >= 20),
      30_000,
      () => `w1 processed ${frozenShards.map(byW1).join('/')}`,
    );
    group.signal('w1', 'SIGSTOP');
    // What the shards had stored when w1 froze (a handoff to w1 writes the last owner's position).
    const atFreeze = await current.checkpoints(frozenShards);
    try {
      await feed.stop();
      // w2 takes them over and reads every record of them.
      await waitUntil(
        async () => holdings(await leases.look()).get('w2')?.length === SHARDS.length,
        current.sessionTimeoutMs + HEARTBEAT_INTERVAL_MS + 20_000,
        () => `not taken over: ${describeHoldings(leases.last)}`,
      );
      const ofFrozen = feed.produced.filter((record) => frozenShards.includes(record.shardId));
      const doneByW2 = () => {
        const seen = new Set(
          group.processed.filter((item) => item.workerId === 'w2').map((item) => item.sequenceNumber),
        );
        return ofFrozen.filter((record) => seen.has(record.sequenceNumber)).length;
      };
      await waitUntil(
        () => doneByW2() === ofFrozen.length,
        90_000,
        () => `w2 processed ${doneByW2()} of ${ofFrozen.length} records of w1's shards`,
      );
    } finally {
      group.signal('w1', 'SIGCONT');
    }
    const thawedAt = Date.now();

    // The thawed worker finds its leases lost, and the group balances again.
    await waitUntil(
      () =>
        frozenShards.every((shardId) =>
          group.eventsOf('lease-lost', 'w1').some((received) => received.event.shardId === shardId),
        ),
      20_000,
      () => `w1 lease-lost events: ${group.eventsOf('lease-lost', 'w1').length}`,
    );
    await waitUntil(
      async () => shape(await leases.look()) === '2/2',
      30_000,
      () => `after the thaw: ${describeHoldings(leases.last)}`,
    );
    // Sampled well past the thaw (several sampling rounds).
    const samplesAtBalance = sampler.samples.length;
    await waitUntil(
      () => sampler !== undefined && sampler.samples.length >= samplesAtBalance + 4 * SHARDS.length,
      20_000,
      () => 'sampler stalled',
    );
    await sampler.stop();
    expect(missingRecords(feed.produced, group.processed)).toEqual([]);

    // On the shards w1 lost: what they had when it froze, or their last record (w2's handoff
    // write), never a position of w1's.
    for (const shardId of frozenShards) {
      const last = feed.produced.filter((record) => record.shardId === shardId).at(-1)?.sequenceNumber;
      const before = atFreeze.get(shardId)?.sequenceNumber;
      const stored = sampler.samples
        .filter((sample) => sample.shardId === shardId)
        .map((sample) => (sample.stored.kind === 'position' ? sample.stored.position.sequenceNumber : 'end'));
      const foreign = stored.filter((sequence) => sequence !== last && sequence !== before);
      expect({ shardId, foreign: [...new Set(foreign)] }).toEqual({
        shardId,
        foreign: [],
      });
    }
    expect(sampler.aheadOfWork(feed.produced, group.processed)).toEqual([]);
    expect(sampler.samples.some((sample) => sample.readAt > thawedAt)).toBe(true);
    expect(group.failures).toEqual([]);
  }, 300_000);
});
