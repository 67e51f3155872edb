import { CreateStreamCommand, LimitExceededException, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { LocalShardLimitError } from '../../src/local/errors/LocalShardLimitError.js';

async function outcomes(client: KinesisClient, names: readonly string[], shards: number): Promise<unknown[]> {
  return Promise.all(
    names.map((name) =>
      client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards })).then(
        () => 'created',
        (error: unknown) => error,
      ),
    ),
  );
}

describe.each([
  ['without limits', false],
  ['with limits', true],
])('local Kinesis account shard limit, CreateStreams at once (%s)', (_, limits) => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // CREATING lasts far longer than the test takes, however loaded the machine: close() ends it.
    local = await startLocalKinesis({ shardLimit: 10, streamStatusDelayMs: 60_000, limits });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('lets only as many through as the limit holds', async () => {
    const answers = await outcomes(client, ['a', 'b', 'c'], 4);
    expect(answers.filter((answer) => answer === 'created')).toHaveLength(2);
    const refused = answers.filter((answer) => answer !== 'created');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LimitExceededException);
    expect((refused[0] as Error).message).toMatch(/Current shard count for the account: 8\. Limit: 10\./);
  });
});

describe('local Kinesis account shard limit, createStream() helpers at once', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ shardLimit: 10, streamStatusDelayMs: 0 });
  });

  afterAll(async () => {
    await local.close();
  });

  it('lets only as many through as the limit holds', async () => {
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        local.createStream(name, 4).then(
          () => 'created',
          (error: unknown) => error,
        ),
      ),
    );
    expect(answers.filter((answer) => answer === 'created')).toHaveLength(2);
    const refused = answers.filter((answer) => answer !== 'created');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LocalShardLimitError);
  });
});
