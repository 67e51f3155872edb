// A shard map load whose listing was taken before a split, answered after a PutRecords answer
// that named a child of the split: the child's metrics are kept (no listing has shown it yet, it
// is new, not trimmed), and the shards' counts keep adding up to the totals.
import { ListShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Producer } from '../../src/producer/Producer.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(120_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  await kinesis.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that, once `hold` is set, holds the next ListShards answer (taken at once) until released. */
function holdingClient(client: KinesisClient) {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const gate = { hold: false, held: 0, release: () => undefined as void };
  const released = new Promise<void>((resolve) => (gate.release = resolve));
  const holding = async (command: unknown, options?: unknown): Promise<unknown> => {
    const out = await send(command, options);
    if (command instanceof ListShardsCommand && gate.hold) {
      gate.hold = false;
      gate.held += 1;
      await released;
    }
    return out;
  };
  const proxy = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? holding : (Reflect.get(target, property, receiver) as unknown),
  });
  return { client: proxy, gate };
}

test("a stale listing answered after a child shard's first records keeps that shard's metrics", async () => {
  const streamName = uniqueStreamName('metrics-race');
  await kinesis.createStream(streamName, 1);
  const admin = kinesis.createClient();
  const { client, gate } = holdingClient(kinesis.createClient());
  const producer = new Producer<number>({
    streamName,
    client,
    shardMapRefreshInterval: 100,
    bufferTime: 5,
  });
  let sent = 0;
  const sendSome = async (count: number) => {
    const items = Array.from({ length: count }, (_, i) => sent + i);
    sent += items.length;
    await Promise.all(items.map((item) => producer.send(item)));
  };
  try {
    await sendSome(5);
    // A periodic load lists the one shard and is held there.
    gate.hold = true;
    while (gate.held === 0) {
      await sleep(110);
      await sendSome(1);
    }
    await admin.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: 2n ** 127n + '',
      }),
    );
    await untilActive(admin, streamName);
    // Predicted for the closed parent, stored in its children: the answers name the children.
    await sendSome(20);
    const children = Object.keys(producer.metrics().shards).filter((id) => id !== 'shardId-000000000000');
    expect(children.length).toBeGreaterThan(0);
    const refreshes = producer.metrics().shardMapRefreshes;
    gate.release();
    while (producer.metrics().shardMapRefreshes === refreshes) await sleep(10);
    const { shards, totals } = producer.metrics();
    for (const child of children) expect(shards[child]?.items).toBeGreaterThan(0);
    const items = Object.values(shards).reduce((sum, shard) => sum + shard.items, 0);
    expect(items).toBe(totals.items);
    expect(totals.items).toBe(sent);
  } finally {
    gate.release();
    await producer.close();
    admin.destroy();
  }
});
