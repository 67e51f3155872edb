// Resharding while the transport runs: a parent shard's events (a record that cannot be decoded
// among them) are done before its children's, and the per-shard decoding and queue of a shard
// read to its end go (a long-lived app resharded often does not keep one per shard ever read).
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MergeShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { finalize } from 'rxjs';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import { KinesisTransportStrategy, type KinesisContext, type KinesisDeadLetter } from 'rxjs-kinesis/nestjs';
import * as shardEventsModule from '../../src/nestjs/shardEvents.js';
import { splitShard, waitActive } from '../support/streamRecords.js';
import { useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(180_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

/** The shards whose event pipeline (decoding, queue) is alive in the transport. */
const livePipelines = new Map<string, number>();
const shardEvents = shardEventsModule.shardEvents;
beforeAll(() => {
  // Counts each shard's pipeline from its subscription to its end; behaviour unchanged.
  jest.spyOn(shardEventsModule, 'shardEvents').mockImplementation((records$) => {
    const shardId = (records$ as { key?: unknown }).key;
    const key = typeof shardId === 'string' ? shardId : '?';
    livePipelines.set(key, (livePipelines.get(key) ?? 0) + 1);
    return shardEvents(records$).pipe(
      finalize(() => {
        const left = (livePipelines.get(key) ?? 1) - 1;
        if (left === 0) livePipelines.delete(key);
        else livePipelines.set(key, left);
      }),
    );
  });
});
afterAll(() => jest.restoreAllMocks());

/** Writes `count` events numbered from `from`, over 8 partition keys, and one undecodable record per key if told. */
async function put(client: KinesisClient, streamName: string, from: number, count: number, bad = false) {
  const Records = Array.from({ length: count }, (_, i) => ({
    PartitionKey: `k${(from + i) % 8}`,
    Data: Buffer.from(JSON.stringify({ pattern: 'step', data: { n: from + i, key: `k${(from + i) % 8}` } })),
  }));
  if (bad)
    for (let i = 0; i < 8; i += 1) Records.push({ PartitionKey: `k${i}`, Data: Buffer.from('not json {') });
  await client.send(new PutRecordsCommand({ StreamName: streamName, Records }));
}

it("a split and a merge: parents before children per key, bad records dead-lettered in turn, each ended shard's pipeline gone", async () => {
  const streamName = await harness.createStream('nest-reshard');
  const handled: { n: number; key: string; shardId: string }[] = [];
  const steps: string[] = [];
  @Controller()
  class ReshardController {
    @EventPattern('step')
    async step(@Payload() data: { n: number; key: string }, @Ctx() context: KinesisContext): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 1));
      handled.push({ ...data, shardId: context.getShardId() });
      steps.push(`${context.getShardId()} ${data.n}`);
    }
  }
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, new MemoryCheckpointer()),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter: KinesisDeadLetter) =>
      void steps.push(`${deadLetter.reason === 'undecodable' ? deadLetter.record.shardId : '?'} bad`),
  });
  await harness.startApp(strategy, [ReshardController]);
  const client = harness.kinesis.createClient();
  try {
    await put(client, streamName, 0, 40, true);
    await splitShard(client, streamName);
    await put(client, streamName, 40, 40, true);
    await client.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await waitActive(client, streamName);
    await put(client, streamName, 80, 40);
  } finally {
    client.destroy();
  }
  await waitFor('every event', () => handled.length === 120, WAIT_MS);
  expect(new Set(handled.map((event) => event.n)).size).toBe(120);
  for (let key = 0; key < 8; key += 1) {
    const ns = handled.filter((event) => event.key === `k${key}`).map((event) => event.n);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
  }
  // Each parent's bad records (written after its events) are dead-lettered after them, in turn.
  let bad = 0;
  for (const shardId of ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']) {
    const ofShard = steps.filter((step) => step.startsWith(`${shardId} `));
    const firstBad = ofShard.indexOf(`${shardId} bad`);
    expect(ofShard.slice(firstBad).every((step) => step === `${shardId} bad`)).toBe(true);
    bad += ofShard.length - firstBad;
  }
  expect(bad).toBe(16);
  // Only the open shard (the merge's child) keeps a pipeline.
  await waitFor('the ended shards to let go of their pipelines', () => livePipelines.size === 1, WAIT_MS);
  expect([...livePipelines.keys()]).toEqual(['shardId-000000000003']);
});
