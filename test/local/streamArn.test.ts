import {
  AddTagsToStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  UpdateShardCountCommand,
  LimitExceededException,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { resolveStreamArn, streamNameOfArn } from '../../src/local/streamArn.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

describe('resolveStreamArn', () => {
  it('reads the stream name of a stream ARN in any partition', () => {
    expect(streamNameOfArn('arn:aws:kinesis:us-east-1:000000000000:stream/orders')).toBe('orders');
    expect(streamNameOfArn('arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a.b_c-d')).toBe('a.b_c-d');
    expect(streamNameOfArn('arn:aws:kinesis:us-east-1:000000000000:stream/')).toBeUndefined();
    expect(streamNameOfArn('arn:aws:sqs:us-east-1:000000000000:stream/orders')).toBeUndefined();
  });

  it('rewrites StreamARN as StreamName where the backing store reads a name, drops it elsewhere', () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';
    expect(resolveStreamArn('PutRecords', { StreamARN: arn, Records: [] })).toEqual({
      payload: { StreamName: 'orders', Records: [] },
    });
    expect(resolveStreamArn('GetRecords', { StreamARN: arn, ShardIterator: 'x' })).toEqual({
      payload: { ShardIterator: 'x' },
    });
    expect(resolveStreamArn('PutRecords', { StreamName: 'orders', StreamARN: arn })).toEqual({
      payload: { StreamName: 'orders' },
    });
    const payload = { StreamName: 'orders' };
    expect(resolveStreamArn('PutRecords', payload)).toEqual({ payload });
  });

  it('refuses a malformed ARN and an ARN naming another stream than StreamName', () => {
    expect(resolveStreamArn('PutRecords', { StreamARN: 'orders' })).toMatchObject({
      error: { status: 400, type: 'ValidationException' },
    });
    expect(
      resolveStreamArn('PutRecords', {
        StreamName: 'other',
        StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
      }),
    ).toMatchObject({ error: { status: 400, type: 'InvalidArgumentException' } });
  });
});

describe('local Kinesis requests addressed by StreamARN only (as boto3 and the AWS CLI send them)', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  let arn: string;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, streams: { 'by-arn': 2 } });
    client = local.createClient();
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'by-arn' }));
    arn = summary.StreamDescriptionSummary!.StreamARN!;
    expect(arn).toMatch(/^arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream\/by-arn$/);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('serves every stream operation', async () => {
    const StreamARN = arn;
    const described = await client.send(new DescribeStreamCommand({ StreamARN }));
    expect(described.StreamDescription!.StreamName).toBe('by-arn');
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamARN }));
    expect(summary.StreamDescriptionSummary!.OpenShardCount).toBe(2);

    const listed = await client.send(new ListShardsCommand({ StreamARN }));
    expect(listed.Shards).toHaveLength(2);
    const shardId = listed.Shards![0]!.ShardId!;

    const put = await client.send(
      new PutRecordCommand({ StreamARN, PartitionKey: 'k', Data: new Uint8Array([1]), ExplicitHashKey: '0' }),
    );
    expect(put.ShardId).toBe(shardId);
    const puts = await client.send(
      new PutRecordsCommand({
        StreamARN,
        Records: [{ PartitionKey: 'k', Data: new Uint8Array([2]), ExplicitHashKey: '0' }],
      }),
    );
    expect(puts.FailedRecordCount).toBe(0);

    const iterator = await client.send(
      new GetShardIteratorCommand({ StreamARN, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const records = await client.send(
      new GetRecordsCommand({ StreamARN, ShardIterator: iterator.ShardIterator! }),
    );
    expect(records.Records!.map((record) => Array.from(record.Data!))).toEqual([[1], [2]]);

    await client.send(new AddTagsToStreamCommand({ StreamARN, Tags: { team: 'orders' } }));
    const tags = await client.send(new ListTagsForStreamCommand({ StreamARN }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
    await client.send(new RemoveTagsFromStreamCommand({ StreamARN, TagKeys: ['team'] }));
    expect((await client.send(new ListTagsForStreamCommand({ StreamARN }))).Tags).toEqual([]);

    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 48 }));
    await client.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 24 }));

    const [first, second] = listed.Shards!;
    await client.send(
      new MergeShardsCommand({
        StreamARN,
        ShardToMerge: first!.ShardId!,
        AdjacentShardToMerge: second!.ShardId!,
      }),
    );
    await untilActive(client, 'by-arn');
    const merged = (
      await client.send(new ListShardsCommand({ StreamARN, ShardFilter: { Type: 'AT_LATEST' } }))
    ).Shards![0]!;
    await client.send(
      new SplitShardCommand({
        StreamARN,
        ShardToSplit: merged.ShardId!,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await untilActive(client, 'by-arn');
    const scaled = await client.send(
      new UpdateShardCountCommand({ StreamARN, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    );
    expect(scaled).toMatchObject({
      StreamName: 'by-arn',
      CurrentShardCount: 2,
      TargetShardCount: 3,
      StreamARN: arn,
    });
    await untilActive(client, 'by-arn');

    await client.send(new DeleteStreamCommand({ StreamARN }));
    await expect(
      (async () => {
        for (;;) {
          // Within the account's 20 DescribeStreamSummary calls a second, as on AWS.
          await client.send(new DescribeStreamSummaryCommand({ StreamARN })).catch((error: unknown) => {
            if (!(error instanceof LimitExceededException)) throw error;
          });
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers a malformed ARN with ValidationException (400)', async () => {
    const error = await client
      .send(new DescribeStreamSummaryCommand({ StreamARN: 'not-an-arn' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
  });
});
