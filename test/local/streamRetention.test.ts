import {
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis retention periods up to 365 days, as on AWS (kinesalite stops at 7)', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { kept: 1, recreated: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function retentionOf(streamName: string): Promise<number | undefined> {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const described = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
    expect(described.StreamDescription?.RetentionPeriodHours).toBe(
      summary.StreamDescriptionSummary?.RetentionPeriodHours,
    );
    return summary.StreamDescriptionSummary?.RetentionPeriodHours;
  }

  async function refusal(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    return error as Error;
  }

  it('increases past 168 hours up to 8760 and decreases back', async () => {
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 720 }),
    );
    expect(await retentionOf('kept')).toBe(720);
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 8760 }),
    );
    expect(await retentionOf('kept')).toBe(8760);
    await client.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 200 }),
    );
    expect(await retentionOf('kept')).toBe(200);
    await client.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 48 }),
    );
    expect(await retentionOf('kept')).toBe(48);
  });

  it('refuses what AWS refuses, naming the current period', async () => {
    const tooLong = await refusal(
      client.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 8761 }),
      ),
    );
    expect(tooLong.message).toContain('8760');
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 500 }),
    );
    const shorter = await refusal(
      client.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 100 }),
      ),
    );
    expect(shorter.message).toContain('(500 hours)');
    const longer = await refusal(
      client.send(
        new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 600 }),
      ),
    );
    expect(longer.message).toContain('(500 hours)');
    await client.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 24 }),
    );
    const longerThan24 = await refusal(
      client.send(
        new DecreaseStreamRetentionPeriodCommand({ StreamName: 'kept', RetentionPeriodHours: 300 }),
      ),
    );
    expect(longerThan24.message).toContain('(24 hours)');
    await expect(
      client.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'missing', RetentionPeriodHours: 720 }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('forgets the period of a deleted stream', async () => {
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: 'recreated', RetentionPeriodHours: 1000 }),
    );
    await local.deleteStream('recreated');
    await local.createStream('recreated', 1);
    expect(await retentionOf('recreated')).toBe(24);
  });
});
