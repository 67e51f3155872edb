import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis GetRecords validation and the read limits', () => {
  const now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { checked: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('refuses a Limit outside 1..10000 before charging the shard its GetRecords call', async () => {
    const { ShardIterator: shardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'checked',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    for (const limit of [0, 10_001, 0, 10_001, 0, 10_001]) {
      const error = await client
        .send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: limit }))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationException);
    }
    // The clock has not moved: five valid calls still fit in this second's budget.
    for (let call = 0; call < 5; call += 1) {
      const answer = await client.send(
        new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 10_000 }),
      );
      expect(answer.Records).toEqual([]);
    }
    expect(local.stats.throttledGetRecordsCalls).toBe(0);
  });
});
