import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient } from '../support/trimmingClient.js';

jest.setTimeout(120_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  await kinesis.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('stats() forgets the shards a listing no longer shows (trimmed after resharding cycles)', async () => {
  const streamName = uniqueStreamName('trimmed');
  await kinesis.createStream(streamName, 1);
  const admin = kinesis.createClient();
  const trimmed = new Set<string>();
  const consumer = fromKinesis({
    streamName,
    client: trimmingClient(kinesis.createClient(), trimmed),
    iteratorType: 'TRIM_HORIZON',
    shardRefreshInterval: 100,
    sleepTimeNoRecords: 20,
  });
  const listings: (readonly string[])[] = [];
  const events = consumer.events$.subscribe((event) => {
    if (event.type === 'shards-discovered') listings.push(event.shardIds);
  });
  const subscription = consumer.subscribe();
  const shardIds = () => consumer.stats().shards.map((shard) => shard.shardId);
  const until = async (done: () => boolean) => {
    while (!done()) await sleep(20);
  };
  try {
    // Each cycle splits the one open shard and merges its children back: 3 shards close, 1 opens.
    let open = 'shardId-000000000000';
    for (let cycle = 0; cycle < 3; cycle += 1) {
      await until(() => consumer.stats().shards.some((s) => s.shardId === open && s.state === 'reading'));
      await admin.send(
        new SplitShardCommand({ StreamName: streamName, ShardToSplit: open, NewStartingHashKey: '1000' }),
      );
      await untilActive(admin, streamName);
      const next = 3 * cycle + 3;
      const [low, high] = [next - 2, next - 1].map((n) => `shardId-${String(n).padStart(12, '0')}`);
      await admin.send(
        new MergeShardsCommand({ StreamName: streamName, ShardToMerge: low, AdjacentShardToMerge: high }),
      );
      await untilActive(admin, streamName);
      const closed = [open, low, high];
      open = `shardId-${String(next).padStart(12, '0')}`;
      await until(() => consumer.stats().shards.some((s) => s.shardId === open && s.state === 'reading'));
      for (const shardId of closed) trimmed.add(shardId);
    }
    // Once a listing shows only the open shard, stats() shows only it (every shard ever read stayed).
    await until(() => listings.at(-1)?.length === 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shardIds()).toEqual([open]);
  } finally {
    subscription.unsubscribe();
    events.unsubscribe();
    await consumer.stopped();
  }
});
