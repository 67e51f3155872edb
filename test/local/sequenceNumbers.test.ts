import {
  GetShardIteratorCommand,
  InvalidArgumentException,
  ListShardsCommand,
  PutRecordCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis GetShardIterator with a sequence number', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  let shardId: string;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { sequences: 1 } });
    client = local.createClient();
    shardId = (await client.send(new ListShardsCommand({ StreamName: 'sequences' }))).Shards![0]!.ShardId!;
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it.each([
    ['AT_SEQUENCE_NUMBER', '1'],
    ['AFTER_SEQUENCE_NUMBER', '12345'],
    ['AT_SEQUENCE_NUMBER', '49590338271490256608559692538361571095921575989136588898'],
    ['AFTER_SEQUENCE_NUMBER', '0'],
  ] as const)(
    '%s %s that did not come from this shard is an InvalidArgumentException (400), not a 500',
    async (type, sequenceNumber) => {
      const error = await client
        .send(
          new GetShardIteratorCommand({
            StreamName: 'sequences',
            ShardId: shardId,
            ShardIteratorType: type,
            StartingSequenceNumber: sequenceNumber,
          }),
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentException);
      expect((error as InvalidArgumentException).$metadata.httpStatusCode).toBe(400);
    },
  );

  it.each(['abc', '-1', '01', '9'.repeat(200)])(
    'answers the malformed %s with a 400, never a 500',
    async (sequenceNumber) => {
      const error = await client
        .send(
          new GetShardIteratorCommand({
            StreamName: 'sequences',
            ShardId: shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: sequenceNumber,
          }),
        )
        .catch((caught: unknown) => caught);
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
      expect(['InvalidArgumentException', 'ValidationException']).toContain((error as Error).name);
    },
  );

  it('still gives an iterator for a sequence number of the shard', async () => {
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'sequences', PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    const answer = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'sequences',
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: put.SequenceNumber,
      }),
    );
    expect(answer.ShardIterator).toEqual(expect.any(String));
  });
});
