import {
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis StartingSequenceNumber and NewStartingHashKey patterns, matched whole', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { patterned: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function refusal(send: Promise<unknown>): Promise<ValidationException> {
    const error = await send.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationException);
    return error as ValidationException;
  }

  it('refuses a StartingSequenceNumber with a leading zero or letters before its digits', async () => {
    const { SequenceNumber: sequenceNumber } = await client.send(
      new PutRecordCommand({ StreamName: 'patterned', PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    for (const bad of [`0${sequenceNumber!}`, `x${sequenceNumber!}`]) {
      const error = await refusal(
        client.send(
          new GetShardIteratorCommand({
            StreamName: 'patterned',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: bad,
          }),
        ),
      );
      expect(error.message).toBe(
        `1 validation error detected: Value '${bad}' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})`,
      );
    }
  });

  it('refuses a NewStartingHashKey with a leading zero or over 39 digits, with the other broken members', async () => {
    for (const bad of ['0170141183460469231731687303715884105728', '9'.repeat(42)]) {
      const error = await refusal(
        client.send(
          new SplitShardCommand({
            StreamName: 'patterned',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: bad,
          }),
        ),
      );
      expect(error.message).toBe(
        `1 validation error detected: Value '${bad}' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})`,
      );
    }
    const both = await refusal(
      client.send(
        new SplitShardCommand({
          StreamName: 'patterned',
          ShardToSplit: 'shard 0',
          NewStartingHashKey: '0170141183460469231731687303715884105728',
        }),
      ),
    );
    expect(both.message).toMatch(/^2 validation errors detected: /);
    expect(both.message).toContain(
      "Value '0170141183460469231731687303715884105728' at 'newStartingHashKey'",
    );
    expect(both.message).toContain("Value 'shard 0' at 'shardToSplit'");
    // Nothing was split.
    const { Shards: shards } = await client.send(new ListShardsCommand({ StreamName: 'patterned' }));
    expect(shards).toHaveLength(1);
  });
});
