import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { postCbor } from './cborClient.js';
import { activeConsumer, EventReader, http2Client } from './fanOutClient.js';
import { untilActive } from './untilActive.js';

const ACCOUNT = '000000000000';
const KEY = 'alias/aws/kinesis';
const SHARD = 'shardId-000000000000';
const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error;
  return { name: error.name, message: error.message };
}

/**
 * StartStreamEncryption and StopStreamEncryption as the Kinesis API reference gives them: by
 * StreamName or StreamARN, EncryptionType KMS and a KeyId of 1 to 2,048 characters; the stream
 * shows UPDATING, then ACTIVE; DescribeStream(Summary) report EncryptionType and KeyId; records
 * written while encryption is on are marked EncryptionType KMS in the PutRecord(s) answers and
 * where they are read. Nothing is encrypted locally.
 */
describe('local Kinesis stream encryption', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // A status delay long enough to see UPDATING on a loaded machine.
    local = await startLocalKinesis({
      streamStatusDelayMs: 1500,
      efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 300 },
    });
    // Created at once: one status delay for all of them, not one each.
    await Promise.all(
      ['marked', 'byArn', 'refused', 'busy', 'cbor'].map((name) => local.createStream(name, 1)),
    );
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function summary(streamName: string): Promise<Record<string, unknown>> {
    const described = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const { StreamStatus, EncryptionType, KeyId } = described.StreamDescriptionSummary!;
    return { StreamStatus, EncryptionType, KeyId };
  }

  it('starts and stops by name: UPDATING, then ACTIVE, with the key reported by both descriptions', async () => {
    expect(await summary('marked')).toEqual({
      StreamStatus: 'ACTIVE',
      EncryptionType: 'NONE',
      KeyId: undefined,
    });
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'marked', EncryptionType: 'KMS', KeyId: KEY }),
    );
    expect(await summary('marked')).toEqual({ StreamStatus: 'UPDATING', EncryptionType: 'KMS', KeyId: KEY });
    // A second change while UPDATING: refused as AWS refuses it.
    expect(
      await refusal(
        client.send(
          new StartStreamEncryptionCommand({ StreamName: 'marked', EncryptionType: 'KMS', KeyId: 'other' }),
        ),
      ),
    ).toEqual({
      name: 'ResourceInUseException',
      message: `Stream marked under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    });
    await untilActive(client, 'marked');
    const described = await client.send(new DescribeStreamCommand({ StreamName: 'marked' }));
    expect(described.StreamDescription).toMatchObject({
      StreamStatus: 'ACTIVE',
      EncryptionType: 'KMS',
      KeyId: KEY,
    });

    await client.send(
      new StopStreamEncryptionCommand({ StreamName: 'marked', EncryptionType: 'KMS', KeyId: KEY }),
    );
    expect(await summary('marked')).toEqual({
      StreamStatus: 'UPDATING',
      EncryptionType: 'NONE',
      KeyId: undefined,
    });
    await untilActive(client, 'marked');
    const after = await client.send(new DescribeStreamCommand({ StreamName: 'marked' }));
    expect(after.StreamDescription?.EncryptionType).toBe('NONE');
    expect(after.StreamDescription?.KeyId).toBeUndefined();
  });

  it('marks the records written while encryption is on, where they are written and where they are read', async () => {
    const put = (data: string) =>
      client.send(new PutRecordCommand({ StreamName: 'byArn', PartitionKey: 'k', Data: Buffer.from(data) }));
    const before = await put('before');
    expect(before.EncryptionType).toBeUndefined();

    await client.send(
      new StartStreamEncryptionCommand({ StreamARN: streamArn('byArn'), EncryptionType: 'KMS', KeyId: KEY }),
    );
    const during = await put('during');
    expect(during.EncryptionType).toBe('KMS');
    const batch = await client.send(
      new PutRecordsCommand({
        StreamARN: streamArn('byArn'),
        Records: [{ PartitionKey: 'k', Data: Buffer.from('batch') }],
      }),
    );
    expect(batch.EncryptionType).toBe('KMS');
    await untilActive(client, 'byArn');

    await client.send(
      new StopStreamEncryptionCommand({ StreamARN: streamArn('byArn'), EncryptionType: 'KMS', KeyId: KEY }),
    );
    const stopped = await put('after');
    expect(stopped.EncryptionType).toBeUndefined();
    const afterBatch = await client.send(
      new PutRecordsCommand({
        StreamName: 'byArn',
        Records: [{ PartitionKey: 'k', Data: Buffer.from('b2') }],
      }),
    );
    expect(afterBatch.EncryptionType).toBeUndefined();
    await untilActive(client, 'byArn');

    const expected = [
      ['before', undefined],
      ['during', 'KMS'],
      ['batch', 'KMS'],
      ['after', undefined],
      ['b2', undefined],
    ];
    const iterator = await client.send(
      new GetShardIteratorCommand({ StreamName: 'byArn', ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const read = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    expect(
      read.Records?.map((record) => [Buffer.from(record.Data!).toString(), record.EncryptionType]),
    ).toEqual(expected);

    // SubscribeToShard events mark them too.
    const consumerArn = await activeConsumer(client, 'byArn', 'marks');
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'TRIM_HORIZON' });
    try {
      const events = await reader.eventsWithRecords(expected.length);
      const pushed = events.flatMap((event) => event.Records ?? []);
      expect(pushed.map((record) => [Buffer.from(record.Data!).toString(), record.EncryptionType])).toEqual(
        expected,
      );
    } finally {
      reader.cancel();
    }
  });

  it('refuses what AWS refuses: the model, a key other than the stream’s, NONE to start, an unknown stream', async () => {
    const start = (input: Record<string, unknown>) =>
      refusal(client.send(new StartStreamEncryptionCommand(input as never)));
    const stop = (input: Record<string, unknown>) =>
      refusal(client.send(new StopStreamEncryptionCommand(input as never)));
    expect(await start({ StreamName: 'refused' })).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value null at 'encryptionType' failed to satisfy constraint: " +
        "Member must not be null; Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
    expect(await start({ StreamName: 'refused', EncryptionType: 'AES', KeyId: 'x'.repeat(2049) })).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value 'AES' at 'encryptionType' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [NONE, KMS]; ' +
        `Value '${'x'.repeat(2049)}' at 'keyId' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 2048',
    });
    expect(await start({ StreamName: 'refused', EncryptionType: 'KMS', KeyId: '' })).toMatchObject({
      name: 'ValidationException',
    });
    expect(await start({ StreamName: 'refused', EncryptionType: 'KMS', KeyId: 42 })).toEqual({
      name: 'SerializationException',
      message:
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    });
    expect(await start({ EncryptionType: 'KMS', KeyId: KEY })).toEqual({
      name: 'InvalidArgumentException',
      message: 'Either StreamName or StreamARN should be provided.',
    });
    expect(await start({ StreamName: 'refused', EncryptionType: 'NONE', KeyId: KEY })).toMatchObject({
      name: 'InvalidArgumentException',
    });
    expect(await start({ StreamName: 'nowhere', EncryptionType: 'KMS', KeyId: KEY })).toEqual({
      name: 'ResourceNotFoundException',
      message: `Stream nowhere under account ${ACCOUNT} not found.`,
    });
    // Stopping a stream not encrypted, or with another key.
    expect(await stop({ StreamName: 'refused', EncryptionType: 'KMS', KeyId: KEY })).toMatchObject({
      name: 'InvalidArgumentException',
    });
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'refused', EncryptionType: 'KMS', KeyId: KEY }),
    );
    await untilActive(client, 'refused');
    expect(await stop({ StreamName: 'refused', EncryptionType: 'KMS', KeyId: 'alias/other' })).toMatchObject({
      name: 'InvalidArgumentException',
    });
    expect(await summary('refused')).toEqual({ StreamStatus: 'ACTIVE', EncryptionType: 'KMS', KeyId: KEY });
  });

  it('a stream UPDATING for its encryption cannot be scaled meanwhile; a deleted stream loses its key', async () => {
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'busy', EncryptionType: 'KMS', KeyId: KEY }),
    );
    expect(
      await refusal(
        client.send(
          new UpdateShardCountCommand({
            StreamName: 'busy',
            TargetShardCount: 2,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
      ),
    ).toEqual({
      name: 'ResourceInUseException',
      message: `Stream busy under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    });
    await untilActive(client, 'busy');
    await client.send(new DeleteStreamCommand({ StreamName: 'busy' }));
    await waitGone(client, 'busy');
    await client.send(new CreateStreamCommand({ StreamName: 'busy', ShardCount: 1 }));
    await untilActive(client, 'busy');
    expect(await summary('busy')).toEqual({
      StreamStatus: 'ACTIVE',
      EncryptionType: 'NONE',
      KeyId: undefined,
    });
  });

  it('answers the CBOR protocol the same way', async () => {
    const started = await postCbor(local.endpoint, 'StartStreamEncryption', {
      StreamName: 'cbor',
      EncryptionType: 'KMS',
      KeyId: KEY,
    });
    expect(started.status).toBe(200);
    const described = await postCbor(local.endpoint, 'DescribeStreamSummary', { StreamName: 'cbor' });
    expect(described.body.StreamDescriptionSummary).toMatchObject({ EncryptionType: 'KMS', KeyId: KEY });
    const refused = await postCbor(local.endpoint, 'StopStreamEncryption', {
      StreamName: 'cbor',
      EncryptionType: 'KMS',
    });
    expect(refused.status).toBe(400);
    expect(refused.errorType).toBe('ValidationException');
  });
});

async function waitGone(client: KinesisClient, streamName: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const gone = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
      () => false,
      (error: unknown) => (error as Error).name === 'ResourceNotFoundException',
    );
    if (gone) return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} was not deleted`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
