import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListStreamsCommand,
  ResourceInUseException,
  StartStreamEncryptionCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

// AWS describes a DELETING stream as it was until it is gone: its capacity mode, retention,
// shard-level metrics, encryption and MaxRecordSizeInKiB do not fall back to the defaults.
describe('local Kinesis settings of a DELETING stream', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // Long enough for the DELETING stream to be described whatever the machine's load.
    local = await startLocalKinesis({ streamStatusDelayMs: 4000 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('reports the settings the stream had while it is DELETING, and a new stream of its name the defaults', async () => {
    await client.send(
      new CreateStreamCommand({
        StreamName: 'going',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        MaxRecordSizeInKiB: 2048,
      }),
    );
    await untilActive(client, 'going');
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'going', RetentionPeriodHours: 500 }),
    );
    await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: 'going', ShardLevelMetrics: ['IncomingBytes'] }),
    );
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: 'going', EncryptionType: 'KMS', KeyId: 'alias/orders' }),
    );
    await untilActive(client, 'going');

    await client.send(new DeleteStreamCommand({ StreamName: 'going' }));
    const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'going' })))
      .StreamDescriptionSummary;
    const described = (await client.send(new DescribeStreamCommand({ StreamName: 'going' })))
      .StreamDescription;
    const listed = (await client.send(new ListStreamsCommand({}))).StreamSummaries;
    const settings = {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 500,
      EnhancedMonitoring: [{ ShardLevelMetrics: ['IncomingBytes'] }],
      EncryptionType: 'KMS',
      KeyId: 'alias/orders',
    };
    expect(summary).toMatchObject({ StreamStatus: 'DELETING', ...settings, MaxRecordSizeInKiB: 2048 });
    expect(described).toMatchObject({ StreamStatus: 'DELETING', ...settings });
    expect(listed).toEqual([
      expect.objectContaining({
        StreamName: 'going',
        StreamStatus: 'DELETING',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      }),
    ]);

    // A repeated DeleteStream (a retry) changes nothing of what is reported.
    await client.send(new DeleteStreamCommand({ StreamName: 'going' }));
    const again = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'going' })))
      .StreamDescriptionSummary;
    expect(again).toMatchObject({ StreamStatus: 'DELETING', ...settings, MaxRecordSizeInKiB: 2048 });
  });

  it('reports the defaults for a stream of the name created once the old one is gone', async () => {
    await untilGone(client, 'going');
    await client.send(new CreateStreamCommand({ StreamName: 'going', ShardCount: 1 }));
    const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'going' })))
      .StreamDescriptionSummary;
    expect(summary).toMatchObject({
      StreamStatus: 'CREATING',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
      MaxRecordSizeInKiB: 1024,
    });
    expect(summary?.KeyId).toBeUndefined();
  });

  it('keeps them too for a stream deleted by local.deleteStream()', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'helper', ShardCount: 1, MaxRecordSizeInKiB: 4096 }),
    );
    await untilActive(client, 'helper');
    let deleted = false;
    const deleting = local.deleteStream('helper').then(() => {
      deleted = true;
    });
    // Every answer while the stream is DELETING (the deletion takes the 4 s status delay).
    const sizes = new Set<number | undefined>();
    while (!deleted) {
      const summary = await client
        .send(new DescribeStreamSummaryCommand({ StreamName: 'helper' }))
        .then((answer) => answer.StreamDescriptionSummary)
        .catch(() => undefined);
      if (summary?.StreamStatus === 'DELETING') sizes.add(summary.MaxRecordSizeInKiB);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await deleting;
    expect([...sizes]).toEqual([4096]);
    await client.send(new CreateStreamCommand({ StreamName: 'helper', ShardCount: 1 }));
    const recreated = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'helper' })))
      .StreamDescriptionSummary;
    expect(recreated?.MaxRecordSizeInKiB).toBe(1024);
  });

  it('refuses a retention change while the stream is DELETING, as AWS does (the settings stay as they were)', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'retained', ShardCount: 1 }));
    await untilActive(client, 'retained');
    await client.send(new DeleteStreamCommand({ StreamName: 'retained' }));
    const notActive = 'Stream retained under account 000000000000 not ACTIVE, instead in state DELETING';
    for (const change of [
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 48 }),
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 600 }),
      new DecreaseStreamRetentionPeriodCommand({ StreamName: 'retained', RetentionPeriodHours: 24 }),
    ]) {
      const refused = await client.send(change as never).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ResourceInUseException);
      expect((refused as Error).message).toBe(notActive);
    }
    const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'retained' })))
      .StreamDescriptionSummary;
    expect(summary).toMatchObject({ StreamStatus: 'DELETING', RetentionPeriodHours: 24 });
  });
});

async function untilGone(client: KinesisClient, streamName: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await client
      .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
      .then(() => true)
      .catch((error: unknown) => {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
        throw error;
      });
    if (!found) return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} not gone`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
