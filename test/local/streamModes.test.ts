import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  MergeShardsCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SplitShardCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  ValidationException,
  type UpdateStreamModeCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const ARN_PREFIX = 'arn:aws:kinesis:us-east-1:000000000000:stream/';

describe('local Kinesis capacity modes and stream summaries', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 50, streams: { provisioned: 2, counted: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function modeOf(streamName: string): Promise<string | undefined> {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    return summary.StreamDescriptionSummary?.StreamModeDetails?.StreamMode;
  }

  it('creates an on-demand stream with four shards and reports its mode', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'on-demand', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await untilActive(client, 'on-demand');
    const shards = await client.send(new ListShardsCommand({ StreamName: 'on-demand' }));
    expect(shards.Shards).toHaveLength(4);
    expect(await modeOf('on-demand')).toBe('ON_DEMAND');
    const described = await client.send(new DescribeStreamCommand({ StreamName: 'on-demand' }));
    expect(described.StreamDescription?.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    const limits = await client.send(new DescribeLimitsCommand({}));
    expect(limits.OnDemandStreamCount).toBe(1);

    await client.send(new DeleteStreamCommand({ StreamName: 'on-demand' }));
    await expect(
      (async () => {
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline) {
          await client.send(new DescribeStreamSummaryCommand({ StreamName: 'on-demand' }));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await client.send(new DescribeLimitsCommand({}))).OnDemandStreamCount).toBe(0);
  });

  it('reports provisioned streams as PROVISIONED, however they were created', async () => {
    expect(await modeOf('provisioned')).toBe('PROVISIONED');
    await client.send(
      new CreateStreamCommand({
        StreamName: 'explicit',
        ShardCount: 1,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      }),
    );
    await untilActive(client, 'explicit');
    expect(await modeOf('explicit')).toBe('PROVISIONED');
  });

  it('refuses a shard count with ON_DEMAND and an unknown mode', async () => {
    await expect(
      client.send(
        new CreateStreamCommand({
          StreamName: 'both',
          ShardCount: 2,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    const error = await client
      .send(
        new CreateStreamCommand({
          StreamName: 'odd',
          ShardCount: 1,
          StreamModeDetails: { StreamMode: 'SOMETIMES' as 'ON_DEMAND' },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "1 validation error detected: Value 'SOMETIMES' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]",
    );
    await expect(
      client.send(new DescribeStreamSummaryCommand({ StreamName: 'both' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('switches a stream between modes with UpdateStreamMode', async () => {
    const streamArn = `${ARN_PREFIX}provisioned`;
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: streamArn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await untilActive(client, 'provisioned');
    expect(await modeOf('provisioned')).toBe('ON_DEMAND');
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: streamArn, StreamModeDetails: { StreamMode: 'PROVISIONED' } }),
    );
    await untilActive(client, 'provisioned');
    expect(await modeOf('provisioned')).toBe('PROVISIONED');
    await expect(
      client.send(
        new UpdateStreamModeCommand({
          StreamARN: `${ARN_PREFIX}missing`,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    // The API names the stream by ARN only (the SDK leaves the unknown StreamName out).
    await expect(
      client.send(
        new UpdateStreamModeCommand({
          StreamName: 'provisioned',
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        } as unknown as UpdateStreamModeCommandInput),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('refuses a negative WarmThroughputMiBps in UpdateStreamMode before finding the stream', async () => {
    const refused = await client
      .send(
        new UpdateStreamModeCommand({
          StreamARN: `${ARN_PREFIX}missing`,
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          WarmThroughputMiBps: -1,
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationException);
    expect((refused as Error).message).toBe(
      "1 validation error detected: Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
    expect(await modeOf('counted')).toBe('PROVISIONED');
  });

  it('refuses UpdateShardCount, SplitShard and MergeShards on an on-demand stream, as Kinesis does', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'elastic', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await untilActive(client, 'elastic');
    const refusals: Array<[string, () => Promise<unknown>]> = [
      [
        'UpdateShardCount',
        () =>
          client.send(
            new UpdateShardCountCommand({
              StreamName: 'elastic',
              TargetShardCount: 8,
              ScalingType: 'UNIFORM_SCALING',
            }),
          ),
      ],
      [
        'SplitShard',
        () =>
          client.send(
            new SplitShardCommand({
              StreamARN: `${ARN_PREFIX}elastic`,
              ShardToSplit: 'shardId-000000000000',
              NewStartingHashKey: '1000',
            }),
          ),
      ],
      [
        'MergeShards',
        () =>
          client.send(
            new MergeShardsCommand({
              StreamName: 'elastic',
              ShardToMerge: 'shardId-000000000000',
              AdjacentShardToMerge: 'shardId-000000000001',
            }),
          ),
      ],
    ];
    for (const [operation, send] of refusals) {
      const error = await send().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as ValidationException).message).toContain(
        `${operation} is not supported for stream elastic`,
      );
      await untilActive(client, 'elastic');
    }
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'elastic' }));
    expect(summary.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 4 });
    // Switched to provisioned, it is rescaled by request again.
    await client.send(
      new UpdateStreamModeCommand({
        StreamARN: `${ARN_PREFIX}elastic`,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      }),
    );
    await untilActive(client, 'elastic');
    const scaled = await client.send(
      new UpdateShardCountCommand({
        StreamName: 'elastic',
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    expect(scaled).toMatchObject({ CurrentShardCount: 4, TargetShardCount: 2 });
  });

  it('counts registered consumers in DescribeStreamSummary (kinesalite always says 0)', async () => {
    const before = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'counted' }));
    expect(before.StreamDescriptionSummary?.ConsumerCount).toBe(0);
    const streamArn = `${ARN_PREFIX}counted`;
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'one' }));
    await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'two' }));
    const after = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'counted' }));
    expect(after.StreamDescriptionSummary?.ConsumerCount).toBe(2);
  });
});

describe('local Kinesis capacity mode switch, while under way', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 4000, streams: { switching: 2 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('shows the stream UPDATING and refuses other changes meanwhile', async () => {
    const streamArn = `${ARN_PREFIX}switching`;
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: streamArn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'switching' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('UPDATING');
    await expect(
      client.send(
        new UpdateShardCountCommand({
          StreamName: 'switching',
          TargetShardCount: 4,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(
      client.send(
        new SplitShardCommand({
          StreamName: 'switching',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: '1000',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(
      client.send(
        new UpdateStreamModeCommand({
          StreamARN: streamArn,
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
  });
});
