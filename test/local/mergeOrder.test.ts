import {
  InvalidArgumentException,
  ListShardsCommand,
  MergeShardsCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const TOP = (2n ** 128n - 1n).toString();

describe('local Kinesis MergeShards naming the upper shard first', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { upperFirst: 2, byArn: 2, apart: 3 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function shardsOf(streamName: string): Promise<Shard[]> {
    return (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards!;
  }

  function open(shards: readonly Shard[]): Shard[] {
    return shards.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined);
  }

  it('merges two adjacent shards whichever is named first, into one shard covering both ranges', async () => {
    await client.send(
      new MergeShardsCommand({
        StreamName: 'upperFirst',
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000000',
      }),
    );
    await untilActive(client, 'upperFirst');
    const shards = await shardsOf('upperFirst');
    expect(shards).toHaveLength(3);
    const [merged] = open(shards);
    expect(open(shards)).toHaveLength(1);
    expect(merged!.ShardId).toBe('shardId-000000000002');
    expect(merged!.HashKeyRange).toEqual({ StartingHashKey: '0', EndingHashKey: TOP });
    expect([merged!.ParentShardId, merged!.AdjacentParentShardId].sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
  });

  it('does so by stream ARN and short shard ids too', async () => {
    await client.send(
      new MergeShardsCommand({
        StreamARN: `arn:aws:kinesis:${local.region}:000000000000:stream/byArn`,
        ShardToMerge: '1',
        AdjacentShardToMerge: 'shardId-0',
      }),
    );
    await untilActive(client, 'byArn');
    const merged = open(await shardsOf('byArn'));
    expect(merged.map((shard) => shard.HashKeyRange)).toEqual([{ StartingHashKey: '0', EndingHashKey: TOP }]);
  });

  it('still refuses shards that are not adjacent, in either order', async () => {
    for (const [first, second] of [
      ['shardId-000000000000', 'shardId-000000000002'],
      ['shardId-000000000002', 'shardId-000000000000'],
    ] as const) {
      const error: unknown = await client
        .send(
          new MergeShardsCommand({ StreamName: 'apart', ShardToMerge: first, AdjacentShardToMerge: second }),
        )
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(InvalidArgumentException);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Shards ${first} and ${second} in stream apart under account \\d{12} are not an adjacent pair`,
        ),
      );
    }
    expect(open(await shardsOf('apart'))).toHaveLength(3);
  });
});
