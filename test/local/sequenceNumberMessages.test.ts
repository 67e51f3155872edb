import {
  GetShardIteratorCommand,
  InvalidArgumentException,
  PutRecordCommand,
  SubscribeToShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { activeConsumer, http2Client } from './fanOutClient.js';

describe('local Kinesis GetShardIterator refusals of sequence numbers, worded as AWS words them', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { worded: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('calls a sequence number that encodes no shard invalid (kinesalite names a shard "shardId--…")', async () => {
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'worded', PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    const forged = (BigInt(put.SequenceNumber!) + 10n ** 20n).toString();
    const error = await client
      .send(
        new GetShardIteratorCommand({
          StreamName: 'worded',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: forged,
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe(
      `StartingSequenceNumber ${forged} used in GetShardIterator on shard shardId-000000000000 in stream worded under account 000000000000 is invalid.`,
    );
  });

  it('keeps the AWS wording for a sequence number of another shard', async () => {
    const error = await client
      .send(
        new GetShardIteratorCommand({
          StreamName: 'worded',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: '123',
        }),
      )
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'Invalid StartingSequenceNumber. It encodes shardId-000000000123, while it was used in a call to a shard with shardId-000000000000',
    );
  });
});

describe('local Kinesis SubscribeToShard refusal of a sequence number that encodes no shard', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { pushed: 1 }, efo: { consumerStatusDelayMs: 0 } });
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('calls it invalid', async () => {
    const consumerArn = await activeConsumer(client, 'pushed', 'reader');
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'pushed', PartitionKey: 'k', Data: new Uint8Array([1]) }),
    );
    const forged = (BigInt(put.SequenceNumber!) + 10n ** 20n).toString();
    const error = await client
      .send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: 'shardId-000000000000',
          StartingPosition: { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: forged },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe(
      `StartingSequenceNumber ${forged} used in SubscribeToShard on shard shardId-000000000000 in stream pushed under account 000000000000 is invalid.`,
    );
  });
});
