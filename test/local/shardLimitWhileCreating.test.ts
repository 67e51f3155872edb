import {
  CreateStreamCommand,
  DescribeLimitsCommand,
  KinesisClient,
  LimitExceededException,
  ListShardsCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis account shard limit with streams still CREATING', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // CREATING lasts far longer than the test takes, however loaded the machine: close() ends it.
    local = await startLocalKinesis({ shardLimit: 10, streamStatusDelayMs: 60_000 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('counts the shards of a stream still CREATING against the limit', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'first', ShardCount: 8 }));
    const over = await client
      .send(new CreateStreamCommand({ StreamName: 'second', ShardCount: 5 }))
      .catch((caught: unknown) => caught);
    expect(over).toBeInstanceOf(LimitExceededException);
    expect((over as Error).message).toMatch(
      /Current shard count for the account: 8\. Limit: 10\. Number of additional shards that would have resulted from this request: 5\./,
    );
    // Up to the limit is still taken; one more shard is not.
    await client.send(new CreateStreamCommand({ StreamName: 'third', ShardCount: 2 }));
    await expect(
      client.send(
        new CreateStreamCommand({ StreamName: 'fourth', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      ),
    ).rejects.toThrow(/Current shard count for the account: 10\. Limit: 10\./);
  });
});

describe('local Kinesis account shard limit with many streams', () => {
  const STREAMS = 24;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    const streams = Object.fromEntries(Array.from({ length: STREAMS }, (_, i) => [`s${i}`, 1]));
    local = await startLocalKinesis({ shardLimit: 100, streamStatusDelayMs: 0, streams });
    client = local.createClient();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    client.destroy();
    await local.close();
  });

  it('checks a CreateStream without listing every stream and its shards', async () => {
    const send = jest.spyOn(KinesisClient.prototype, 'send');
    await client.send(new CreateStreamCommand({ StreamName: 'one-more', ShardCount: 1 }));
    const listings = send.mock.calls
      .map(([command]) => command)
      .filter((command) => command instanceof ListStreamsCommand || command instanceof ListShardsCommand)
      .map((command) => command.constructor.name);
    send.mockRestore();
    expect(listings).toHaveLength(0);
    expect(await client.send(new DescribeLimitsCommand({}))).toMatchObject({ OpenShardCount: STREAMS + 1 });
  });
});
