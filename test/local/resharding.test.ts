import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  LimitExceededException,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  ResourceInUseException,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const SPACE = 2n ** 128n;

describe('local Kinesis resharding', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { scaled: 2, children: 1, paged: 5, ended: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function allShards(streamName: string): Promise<Shard[]> {
    return (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards!;
  }

  function openRanges(shards: readonly Shard[]): Array<[bigint, bigint]> {
    return shards
      .filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined)
      .map((shard): [bigint, bigint] => [
        BigInt(shard.HashKeyRange!.StartingHashKey!),
        BigInt(shard.HashKeyRange!.EndingHashKey!),
      ])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  it('UpdateShardCount UNIFORM_SCALING reshapes the stream into equal ranges, UPDATING until done', async () => {
    const answer = await client.send(
      new UpdateShardCountCommand({
        StreamName: 'scaled',
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    expect(answer).toMatchObject({ StreamName: 'scaled', CurrentShardCount: 2, TargetShardCount: 3 });
    const during = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'scaled' }));
    expect(during.StreamDescriptionSummary!.StreamStatus).toBe('UPDATING');
    await expect(
      client.send(
        new UpdateShardCountCommand({
          StreamName: 'scaled',
          TargetShardCount: 4,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await untilActive(client, 'scaled');
    const ranges = openRanges(await allShards('scaled'));
    expect(ranges).toHaveLength(3);
    const width = SPACE / 3n;
    expect(ranges).toEqual([
      [0n, width - 1n],
      [width, 2n * width - 1n],
      [2n * width, SPACE - 1n],
    ]);
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'scaled' }));
    expect(summary.StreamDescriptionSummary!.OpenShardCount).toBe(3);
  });

  it('UpdateShardCount refuses more than double or less than half the open shards', async () => {
    for (const target of [7, 1]) {
      await expect(
        client.send(
          new UpdateShardCountCommand({
            StreamName: 'scaled',
            TargetShardCount: target,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
      ).rejects.toBeInstanceOf(LimitExceededException);
    }
  });

  it('reports MillisBehindLatest 0 at the end of a closed shard, however long ago it closed', async () => {
    await client.send(
      new SplitShardCommand({
        StreamName: 'ended',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (SPACE / 2n).toString(),
      }),
    );
    await untilActive(client, 'ended');
    // Past the second the shard closed in (the store dates the closing to the second).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'ended',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    let last;
    for (let i = 0; i < 10 && iterator !== undefined; i += 1) {
      last = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      iterator = last.NextShardIterator;
    }
    expect(iterator).toBeUndefined();
    expect(last?.ChildShards).toHaveLength(2);
    // Nothing is left to read behind it: caught up, as AWS reports it.
    expect(last?.MillisBehindLatest).toBe(0);
  });

  it('GetRecords at the end of a closed shard names its ChildShards', async () => {
    const [parent] = await allShards('children');
    await client.send(
      new PutRecordCommand({ StreamName: 'children', PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    await client.send(
      new SplitShardCommand({
        StreamName: 'children',
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: (SPACE / 2n).toString(),
      }),
    );
    await untilActive(client, 'children');
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'children',
          ShardId: parent!.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const pages = [];
    for (let i = 0; i < 10 && iterator !== undefined; i += 1) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      pages.push(page);
      iterator = page.NextShardIterator;
    }
    expect(iterator).toBeUndefined();
    expect(pages[0]!.ChildShards).toBeUndefined();
    const last = pages[pages.length - 1]!;
    expect(last.ChildShards).toEqual([
      {
        ShardId: 'shardId-000000000001',
        ParentShards: [parent!.ShardId],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (SPACE / 2n - 1n).toString() },
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShards: [parent!.ShardId],
        HashKeyRange: { StartingHashKey: (SPACE / 2n).toString(), EndingHashKey: (SPACE - 1n).toString() },
      },
    ]);

    // A merge names both parents.
    await client.send(
      new MergeShardsCommand({
        StreamName: 'children',
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await untilActive(client, 'children');
    const end = await client.send(
      new GetRecordsCommand({
        ShardIterator: (
          await client.send(
            new GetShardIteratorCommand({
              StreamName: 'children',
              ShardId: 'shardId-000000000001',
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator,
      }),
    );
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards).toEqual([
      {
        ShardId: 'shardId-000000000003',
        ParentShards: ['shardId-000000000001', 'shardId-000000000002'],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: (SPACE - 1n).toString() },
      },
    ]);
  });

  it('ListShards pages with MaxResults and NextToken, and filters with ShardFilter', async () => {
    const seen: string[] = [];
    let page = await client.send(new ListShardsCommand({ StreamName: 'paged', MaxResults: 2 }));
    seen.push(...page.Shards!.map((shard) => shard.ShardId!));
    while (page.NextToken !== undefined) {
      expect(page.Shards).toHaveLength(2);
      page = await client.send(new ListShardsCommand({ NextToken: page.NextToken, MaxResults: 2 }));
      seen.push(...page.Shards!.map((shard) => shard.ShardId!));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `shardId-00000000000${i}`));

    await client.send(
      new MergeShardsCommand({
        StreamName: 'paged',
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await untilActive(client, 'paged');
    const latest = await client.send(
      new ListShardsCommand({ StreamName: 'paged', ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(latest.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
      'shardId-000000000005',
    ]);
    const horizon = await client.send(
      new ListShardsCommand({ StreamName: 'paged', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }),
    );
    expect(horizon.Shards!.map((shard) => shard.ShardId)).toEqual(seen);
    const after = await client.send(
      new ListShardsCommand({
        StreamName: 'paged',
        ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000003' },
      }),
    );
    expect(after.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000004',
      'shardId-000000000005',
    ]);
  });
});
