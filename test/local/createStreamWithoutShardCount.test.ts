import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

// `aws kinesis create-stream --stream-name s` sends a CreateStream with neither ShardCount nor
// StreamModeDetails; AWS takes it. The local endpoint creates an on-demand stream (four shards).
describe('local Kinesis CreateStream without a ShardCount', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 50 });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('creates an on-demand stream of four shards when neither a mode nor a count is named', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'uncounted' }));
    await untilActive(client, 'uncounted');
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'uncounted' }));
    expect(summary.StreamDescriptionSummary?.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(4);
    const shards = await client.send(new ListShardsCommand({ StreamName: 'uncounted' }));
    expect(shards.Shards).toHaveLength(4);
  });

  it('still creates a provisioned stream of the count named, without a mode', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'counted', ShardCount: 2 }));
    await untilActive(client, 'counted');
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'counted' }));
    expect(summary.StreamDescriptionSummary?.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(2);
  });

  it('refuses a provisioned stream without a count', async () => {
    await expect(
      client.send(
        new CreateStreamCommand({
          StreamName: 'provisioned',
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});
