import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  LimitExceededException,
  ListShardsCommand,
  PutRecordCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

async function statusOf(client: KinesisClient, streamName: string): Promise<string | undefined> {
  try {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    return summary.StreamDescriptionSummary!.StreamStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

describe('local Kinesis stream status', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 1500 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('is CREATING, then ACTIVE; writes before ACTIVE fail as on AWS', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'created', ShardCount: 1 }));
    expect(await statusOf(client, 'created')).toBe('CREATING');
    await expect(
      client.send(
        new PutRecordCommand({ StreamName: 'created', PartitionKey: 'k', Data: new Uint8Array(1) }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await untilActive(client, 'created');
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'created', PartitionKey: 'k', Data: new Uint8Array(1) }),
    );
    expect(put.ShardId).toBe('shardId-000000000000');
  });

  it('is UPDATING during a reshard, which refuses a second one', async () => {
    await local.createStream('updated', 1);
    await client.send(
      new SplitShardCommand({
        StreamName: 'updated',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    expect(await statusOf(client, 'updated')).toBe('UPDATING');
    await expect(
      client.send(
        new UpdateShardCountCommand({
          StreamName: 'updated',
          TargetShardCount: 2,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await untilActive(client, 'updated');
    expect((await client.send(new ListShardsCommand({ StreamName: 'updated' }))).Shards).toHaveLength(3);
  });

  it('lists the shards of ACTIVE and UPDATING streams only: CREATING and DELETING ones are in use', async () => {
    const listShards = () => client.send(new ListShardsCommand({ StreamName: 'listed' }));
    await client.send(new CreateStreamCommand({ StreamName: 'listed', ShardCount: 1 }));
    const creating = await listShards().catch((caught: unknown) => caught);
    expect(creating).toBeInstanceOf(ResourceInUseException);
    expect((creating as Error).message).toBe(
      'Stream listed under account 000000000000 not ACTIVE, instead in state CREATING',
    );
    await untilActive(client, 'listed');
    expect((await listShards()).Shards).toHaveLength(1);
    await client.send(
      new SplitShardCommand({
        StreamName: 'listed',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    expect((await listShards()).Shards!.length).toBeGreaterThan(0);
    await untilActive(client, 'listed');
    await client.send(new DeleteStreamCommand({ StreamName: 'listed' }));
    const deleting = await listShards().catch((caught: unknown) => caught);
    expect(deleting).toBeInstanceOf(ResourceInUseException);
    expect((deleting as Error).message).toContain('instead in state DELETING');
  });

  it('is DELETING, then gone', async () => {
    await local.createStream('deleted', 1);
    await client.send(new DeleteStreamCommand({ StreamName: 'deleted' }));
    expect(await statusOf(client, 'deleted')).toBe('DELETING');
    const deadline = Date.now() + 20_000;
    while ((await statusOf(client, 'deleted')) !== undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await statusOf(client, 'deleted')).toBeUndefined();
  });
});

describe('local Kinesis account shard limit', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ shardLimit: 6, streamStatusDelayMs: 0, streams: { first: 4 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('DescribeLimits reports the limit and the open shards', async () => {
    expect(await client.send(new DescribeLimitsCommand({}))).toMatchObject({
      ShardLimit: 6,
      OpenShardCount: 4,
      OnDemandStreamCount: 0,
    });
  });

  it('refuses CreateStream, SplitShard and UpdateShardCount past the limit with LimitExceededException', async () => {
    const over = await client
      .send(new CreateStreamCommand({ StreamName: 'second', ShardCount: 3 }))
      .catch((caught: unknown) => caught);
    expect(over).toBeInstanceOf(LimitExceededException);
    expect((over as Error).message).toMatch(/Current shard count for the account: 4\. Limit: 6\./);
    await expect(
      client.send(
        new UpdateShardCountCommand({
          StreamName: 'first',
          TargetShardCount: 8,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await expect(local.createStream('third', 3)).rejects.toBeInstanceOf(RxjsKinesisError);

    await client.send(new CreateStreamCommand({ StreamName: 'second', ShardCount: 2 }));
    await untilActive(client, 'second');
    await expect(
      client.send(
        new SplitShardCommand({
          StreamName: 'second',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: (2n ** 126n).toString(),
        }),
      ),
    ).rejects.toBeInstanceOf(LimitExceededException);
    expect((await client.send(new DescribeLimitsCommand({}))).OpenShardCount).toBe(6);
  });

  it('defaults to 500 shards, the AWS account limit', async () => {
    const defaults = await startLocalKinesis({ streamStatusDelayMs: 0 });
    const other = defaults.createClient();
    try {
      expect((await other.send(new DescribeLimitsCommand({}))).ShardLimit).toBe(500);
    } finally {
      other.destroy();
      await defaults.close();
    }
  });
});
