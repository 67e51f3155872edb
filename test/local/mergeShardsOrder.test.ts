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

// Kinesis takes the lower of two adjacent shards as ShardToMerge: named the other way round they
// are refused as not an adjacent pair (the answer kinesalite's own suite, written to run against
// Kinesis itself, expects).
describe('local Kinesis MergeShards and the order of its two shards', () => {
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

  async function refusal(command: MergeShardsCommand): Promise<unknown> {
    return client.send(command).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  }

  it('refuses the upper shard named first as not an adjacent pair, and merges the pair named lower first', async () => {
    const error = await refusal(
      new MergeShardsCommand({
        StreamName: 'upperFirst',
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000000',
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toMatch(
      /^Shards shardId-000000000001 and shardId-000000000000 in stream upperFirst under account \d{12} are not an adjacent pair of shards eligible for merging$/,
    );
    expect(open(await shardsOf('upperFirst'))).toHaveLength(2);

    await client.send(
      new MergeShardsCommand({
        StreamName: 'upperFirst',
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await untilActive(client, 'upperFirst');
    const shards = await shardsOf('upperFirst');
    expect(shards).toHaveLength(3);
    expect(open(shards)).toEqual([
      expect.objectContaining({
        ShardId: 'shardId-000000000002',
        ParentShardId: 'shardId-000000000000',
        AdjacentParentShardId: 'shardId-000000000001',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: TOP },
      }),
    ]);
  });

  it('answers the same by stream ARN and short shard ids', async () => {
    const error = await refusal(
      new MergeShardsCommand({
        StreamARN: `arn:aws:kinesis:${local.region}:000000000000:stream/byArn`,
        ShardToMerge: '1',
        AdjacentShardToMerge: 'shardId-0',
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toMatch(/are not an adjacent pair of shards eligible for merging$/);
    expect(open(await shardsOf('byArn'))).toHaveLength(2);
  });

  it('refuses shards that are not adjacent, in either order', async () => {
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
