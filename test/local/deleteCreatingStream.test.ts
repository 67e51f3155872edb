import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  StartStreamEncryptionCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

/**
 * DeleteStream deletes an ACTIVE stream (the Kinesis API reference: "If the stream is in the
 * ACTIVE state, you can delete it"); one still CREATING, or UPDATING, is refused with
 * ResourceInUseException.
 * (kinesalite took it, then its creation timer brought the stream back ACTIVE, taking writes,
 * until the deletion ended.)
 */
describe('local Kinesis DeleteStream of a stream still CREATING', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // Long enough for CREATING to be seen on a loaded machine.
    local = await startLocalKinesis({ streamStatusDelayMs: 2_000 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('is refused while CREATING, and deletes the stream once it is ACTIVE', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'early', ShardCount: 1 }));
    const refused = await client.send(new DeleteStreamCommand({ StreamName: 'early' })).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect({ name: refused?.name, message: refused?.message }).toEqual({
      name: 'ResourceInUseException',
      message: 'Stream early under account 000000000000 not ACTIVE, instead in state CREATING',
    });
    await untilActive(client, 'early');
    // Still there, and taking writes, until deleted.
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'early', PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    expect(put.ShardId).toBe('shardId-000000000000');
    await client.send(new DeleteStreamCommand({ StreamName: 'early' }));
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'early' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
  });

  it('is refused while UPDATING (a shard count or encryption change), and deletes the stream once it is ACTIVE', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'scaling', ShardCount: 1 }));
    await untilActive(client, 'scaling');
    const refusal = async () => {
      const refused = await client.send(new DeleteStreamCommand({ StreamName: 'scaling' })).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      return { name: refused?.name, message: refused?.message };
    };
    const updating = {
      name: 'ResourceInUseException',
      message: 'Stream scaling under account 000000000000 not ACTIVE, instead in state UPDATING',
    };
    await client.send(
      new UpdateShardCountCommand({
        StreamName: 'scaling',
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    expect(await refusal()).toEqual(updating);
    await untilActive(client, 'scaling');
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'scaling', EncryptionType: 'KMS', KeyId: 'k' }),
    );
    expect(await refusal()).toEqual(updating);
    await untilActive(client, 'scaling');
    await client.send(new DeleteStreamCommand({ StreamName: 'scaling' }));
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'scaling' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
  });
});
