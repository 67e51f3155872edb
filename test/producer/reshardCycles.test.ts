import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
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

const shardName = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

test('a producer through resharding cycles keeps metrics of the listed shards only, and delivers every item', async () => {
  const streamName = uniqueStreamName('producer-reshards');
  await kinesis.createStream(streamName, 1);
  const admin = kinesis.createClient();
  const trimmed = new Set<string>();
  const producer = new Producer<number>({
    streamName,
    client: trimmingClient(kinesis.createClient(), trimmed),
    shardMapRefreshInterval: 100,
    bufferTime: 5,
    expoBackoff: 10,
  });
  const reports: DeliveryReport<number>[] = [];
  const subscription = producer.reports$.subscribe((report) => reports.push(report));
  let sent = 0;
  // Sends 20 items with random keys (both halves of a split stream get some) and waits for them.
  const sendSome = async () => {
    const items = Array.from({ length: 20 }, (_, i) => sent + i);
    sent += items.length;
    await Promise.all(items.map((item) => producer.send(item)));
  };
  try {
    // Each cycle splits the one open shard and merges its children back: 3 shards close, 1 opens.
    const cycles = 4;
    let open = shardName(0);
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      await sendSome();
      await admin.send(
        new SplitShardCommand({
          StreamName: streamName,
          ShardToSplit: open,
          NewStartingHashKey: 2n ** 127n + '',
        }),
      );
      await untilActive(admin, streamName);
      await sleep(150);
      await sendSome();
      const next = 3 * cycle + 3;
      const [low, high] = [shardName(next - 2), shardName(next - 1)];
      await admin.send(
        new MergeShardsCommand({ StreamName: streamName, ShardToMerge: low, AdjacentShardToMerge: high }),
      );
      await untilActive(admin, streamName);
      await sleep(150);
      await sendSome();
      for (const shardId of [open, low, high]) trimmed.add(shardId);
      open = shardName(next);
    }
    // Two shard map loads after the last trim: the second finds every lane of a closed shard idle.
    const refreshes = producer.metrics().shardMapRefreshes;
    while (producer.metrics().shardMapRefreshes < refreshes + 2) {
      await sleep(110);
      await sendSome();
    }
    // Every shard the producer wrote to had metrics; only the one still listed keeps them.
    expect(Object.keys(producer.metrics().shards)).toEqual([open]);
    expect(producer.metrics().totals.items).toBe(sent);
    await producer.close();
    expect(reports.length).toBe(sent);
    expect(reports.filter((report) => report.status !== 'delivered')).toEqual([]);
    expect(new Set(reports.map((report) => report.item)).size).toBe(sent);
  } finally {
    subscription.unsubscribe();
    await producer.close();
    admin.destroy();
  }
});
