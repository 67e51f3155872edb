import {
  CreateStreamCommand,
  LimitExceededException,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

jest.setTimeout(60_000);

describe('local Kinesis account shard limit while streams are resharded', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // UPDATING lasts far longer than the calls take, however loaded the machine.
    const streams = { split: 2, scaled: 2 };
    local = await startLocalKinesis({ shardLimit: 6, streamStatusDelayMs: 8_000, streams });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function refusal(streamName: string, shards: number): Promise<unknown> {
    return client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards })).then(
      () => 'created',
      (error: unknown) => error,
    );
  }

  it('counts the shards that a SplitShard or UpdateShardCount under way opens', async () => {
    const split = { StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' };
    await client.send(new SplitShardCommand(split));
    // 4 open, 1 opening.
    const afterSplit = await refusal('two', 2);
    expect(afterSplit).toBeInstanceOf(LimitExceededException);
    expect((afterSplit as Error).message).toMatch(/Current shard count for the account: 5\. Limit: 6\./);
    await client.send(
      new UpdateShardCountCommand({
        StreamName: 'scaled',
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    // 4 open, 2 opening.
    const afterScaling = await refusal('one', 1);
    expect(afterScaling).toBeInstanceOf(LimitExceededException);
    expect((afterScaling as Error).message).toMatch(/Current shard count for the account: 6\. Limit: 6\./);
  });
});
