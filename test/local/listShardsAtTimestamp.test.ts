import {
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

/** Waits until the wall clock is just past the start of a second. */
async function startOfNextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe('ListShards AT_TIMESTAMP and FROM_TIMESTAMP around a shard closed a moment ago', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { moment: 1 }, streamStatusDelayMs: 20 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  const ids = (shards: readonly Shard[] | undefined) => (shards ?? []).map((shard) => shard.ShardId);

  it('lists the shards open at the timestamp, though they closed later in the same second', async () => {
    await client.send(
      new SplitShardCommand({
        StreamName: 'moment',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await untilActive(client, 'moment');
    // The children were open until the merge below: just before it, both were open.
    await startOfNextSecond();
    const beforeMerge = Date.now() - 1;
    await client.send(
      new MergeShardsCommand({
        StreamName: 'moment',
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await untilActive(client, 'moment');

    const at = await client.send(
      new ListShardsCommand({
        StreamName: 'moment',
        ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(beforeMerge) },
      }),
    );
    // Those two, and not their parent (closed a second before) nor their child (opened after).
    expect(ids(at.Shards)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    const from = await client.send(
      new ListShardsCommand({
        StreamName: 'moment',
        ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: new Date(beforeMerge) },
      }),
    );
    expect(ids(from.Shards)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ]);
  }, 30_000);
});
