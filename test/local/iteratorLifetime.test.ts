import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis shard iterators under a hand-moved clock', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { timed: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('keeps charging an iterator that is still valid in real time after the clock moved 10 minutes', async () => {
    const { ShardIterator: shardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'timed',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    now += 10 * 60 * 1000;
    for (let call = 0; call < 5; call += 1) {
      await client.send(new GetRecordsCommand({ ShardIterator: shardIterator }));
    }
    await expect(client.send(new GetRecordsCommand({ ShardIterator: shardIterator }))).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });
});
