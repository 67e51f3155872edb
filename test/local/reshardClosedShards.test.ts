import {
  InvalidArgumentException,
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const HALF = (2n ** 127n).toString();
const QUARTER = (2n ** 126n).toString();

function notEligible(shardId: string, streamName: string): RegExp {
  return new RegExp(
    `^Shard ${shardId} in stream ${streamName} under account \\d{12} has already been merged or split, ` +
      'and thus is not eligible for merging or splitting\\.$',
  );
}

describe('local Kinesis SplitShard and MergeShards of closed shards', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { merged: 2, split: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function shardsOf(streamName: string): Promise<Shard[]> {
    return (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards!;
  }

  function openIds(shards: readonly Shard[]): string[] {
    return shards
      .filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined)
      .map((shard) => shard.ShardId!);
  }

  async function refusal(request: Promise<unknown>): Promise<InvalidArgumentException> {
    const error: unknown = await request.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InvalidArgumentException);
    const refused = error as InvalidArgumentException;
    expect(refused.$metadata.httpStatusCode).toBe(400);
    return refused;
  }

  it('refuses to merge or split shards a merge closed, and opens no overlapping shards', async () => {
    await client.send(
      new MergeShardsCommand({
        StreamName: 'merged',
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await untilActive(client, 'merged');
    expect(openIds(await shardsOf('merged'))).toEqual(['shardId-000000000002']);

    const again = await refusal(
      client.send(
        new MergeShardsCommand({
          StreamName: 'merged',
          ShardToMerge: 'shardId-000000000000',
          AdjacentShardToMerge: 'shardId-000000000001',
        }),
      ),
    );
    expect(again.message).toMatch(notEligible('shardId-000000000000', 'merged'));
    const split = await refusal(
      client.send(
        new SplitShardCommand({ StreamName: 'merged', ShardToSplit: '1', NewStartingHashKey: HALF }),
      ),
    );
    expect(split.message).toMatch(notEligible('shardId-000000000001', 'merged'));

    await untilActive(client, 'merged');
    const shards = await shardsOf('merged');
    expect(shards).toHaveLength(3);
    expect(openIds(shards)).toEqual(['shardId-000000000002']);
  });

  it('refuses to split a shard twice, or to merge the split shard with its child, by name or ARN', async () => {
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: HALF,
      }),
    );
    await untilActive(client, 'split');
    const streamArn = `arn:aws:kinesis:${local.region}:000000000000:stream/split`;

    const twice = await refusal(
      client.send(
        new SplitShardCommand({
          StreamARN: streamArn,
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: QUARTER,
        }),
      ),
    );
    expect(twice.message).toMatch(notEligible('shardId-000000000000', 'split'));
    const withChild = await refusal(
      client.send(
        new MergeShardsCommand({
          StreamName: 'split',
          ShardToMerge: 'shardId-000000000001',
          AdjacentShardToMerge: 'shardId-000000000000',
        }),
      ),
    );
    expect(withChild.message).toMatch(notEligible('shardId-000000000000', 'split'));

    await untilActive(client, 'split');
    expect(openIds(await shardsOf('split'))).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    // The open children still split as before.
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: 'shardId-000000000001',
        NewStartingHashKey: QUARTER,
      }),
    );
    await untilActive(client, 'split');
    expect(openIds(await shardsOf('split'))).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
  });
});
