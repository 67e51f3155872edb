import {
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  ResourceNotFoundException,
  ValidationException,
  type KinesisClient,
  type MetricsName,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const ALL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

describe('local Kinesis enhanced (shard-level) monitoring settings, as on AWS', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { watched: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function described(): Promise<string[] | undefined> {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'watched' }));
    const full = await client.send(new DescribeStreamCommand({ StreamName: 'watched' }));
    expect(full.StreamDescription?.EnhancedMonitoring).toEqual(
      summary.StreamDescriptionSummary?.EnhancedMonitoring,
    );
    return summary.StreamDescriptionSummary?.EnhancedMonitoring?.[0]?.ShardLevelMetrics;
  }

  it('enables and disables shard-level metrics, answering the current and desired sets', async () => {
    const enabled = await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: 'watched', ShardLevelMetrics: ['IncomingBytes'] }),
    );
    expect(enabled.StreamName).toBe('watched');
    expect(enabled.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/watched');
    expect(enabled.CurrentShardLevelMetrics).toEqual([]);
    expect(enabled.DesiredShardLevelMetrics).toEqual(['IncomingBytes']);
    expect(await described()).toEqual(['IncomingBytes']);

    const all = await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: 'watched', ShardLevelMetrics: ['ALL'] }),
    );
    expect(all.CurrentShardLevelMetrics).toEqual(['IncomingBytes']);
    expect([...all.DesiredShardLevelMetrics!].sort()).toEqual([...ALL_METRICS].sort());

    const disabled = await client.send(
      new DisableEnhancedMonitoringCommand({
        StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/watched',
        ShardLevelMetrics: ['ALL'],
      }),
    );
    expect(disabled.DesiredShardLevelMetrics).toEqual([]);
    expect(await described()).toEqual([]);
  });

  it('refuses an unknown metric and an unknown stream', async () => {
    await expect(
      client.send(
        new EnableEnhancedMonitoringCommand({
          StreamName: 'watched',
          ShardLevelMetrics: ['Everything' as MetricsName],
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      client.send(new EnableEnhancedMonitoringCommand({ StreamName: 'missing', ShardLevelMetrics: ['ALL'] })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
