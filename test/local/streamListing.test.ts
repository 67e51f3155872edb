import {
  DescribeStreamCommand,
  ExpiredNextTokenException,
  InvalidArgumentException,
  ListStreamsCommand,
  ValidationException,
  paginateListStreams,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const STREAMS = Array.from({ length: 12 }, (_, i) => `listed-${String(i).padStart(2, '0')}`);

describe('local Kinesis ListStreams and DescribeStream paging, as AWS pages them', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streamStatusDelayMs: 0,
      streams: [...STREAMS.map((name) => ({ name, shards: 1 })), { name: 'wide', shards: 5 }],
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('lists up to 100 streams by default (kinesalite stops at 10)', async () => {
    const answer = await client.send(new ListStreamsCommand({}));
    expect(answer.StreamNames).toEqual([...STREAMS, 'wide']);
    expect(answer.HasMoreStreams).toBe(false);
    expect(answer.NextToken).toBeUndefined();
  });

  it('gives a NextToken with each page, so the SDK paginator and the AWS CLI see every stream', async () => {
    const first = await client.send(new ListStreamsCommand({ Limit: 5 }));
    expect(first.StreamNames).toEqual(STREAMS.slice(0, 5));
    expect(first.HasMoreStreams).toBe(true);
    expect(typeof first.NextToken).toBe('string');
    const second = await client.send(new ListStreamsCommand({ NextToken: first.NextToken, Limit: 5 }));
    expect(second.StreamNames).toEqual(STREAMS.slice(5, 10));

    const names: string[] = [];
    for await (const page of paginateListStreams({ client, pageSize: 4 }, {})) {
      names.push(...(page.StreamNames ?? []));
    }
    expect(names).toEqual([...STREAMS, 'wide']);
  });

  it('still pages by ExclusiveStartStreamName', async () => {
    const answer = await client.send(
      new ListStreamsCommand({ ExclusiveStartStreamName: 'listed-10', Limit: 1 }),
    );
    expect(answer.StreamNames).toEqual(['listed-11']);
    expect(answer.HasMoreStreams).toBe(true);
  });

  it('answers StreamSummaries with ARN, status, mode and creation time', async () => {
    const answer = await client.send(new ListStreamsCommand({ Limit: 2 }));
    expect(answer.StreamSummaries).toHaveLength(2);
    const summary = answer.StreamSummaries![0]!;
    expect(summary.StreamName).toBe('listed-00');
    expect(summary.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/listed-00');
    expect(summary.StreamStatus).toBe('ACTIVE');
    expect(summary.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
    expect(summary.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(summary.StreamCreationTimestamp!.getTime() - Date.now())).toBeLessThan(600_000);
  });

  it('refuses a bad Limit and a bad or expired NextToken as AWS does', async () => {
    await expect(client.send(new ListStreamsCommand({ Limit: 10_001 }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(client.send(new ListStreamsCommand({ Limit: 0 }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(client.send(new ListStreamsCommand({ NextToken: 'garbage' }))).rejects.toBeInstanceOf(
      InvalidArgumentException,
    );
    const stale = Buffer.from(JSON.stringify({ a: 'listed-00', t: Date.now() - 301_000 })).toString('base64');
    await expect(client.send(new ListStreamsCommand({ NextToken: stale }))).rejects.toBeInstanceOf(
      ExpiredNextTokenException,
    );
  });

  it('DescribeStream keeps to Limit and pages by ExclusiveStartShardId (kinesalite ignores both)', async () => {
    const first = await client.send(new DescribeStreamCommand({ StreamName: 'wide', Limit: 2 }));
    expect(first.StreamDescription!.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    expect(first.StreamDescription!.HasMoreShards).toBe(true);
    const rest = await client.send(
      new DescribeStreamCommand({ StreamName: 'wide', ExclusiveStartShardId: 'shardId-000000000001' }),
    );
    expect(rest.StreamDescription!.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    expect(rest.StreamDescription!.HasMoreShards).toBe(false);
    const last = await client.send(
      new DescribeStreamCommand({
        StreamName: 'wide',
        ExclusiveStartShardId: 'shardId-000000000002',
        Limit: 2,
      }),
    );
    expect(last.StreamDescription!.Shards!.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    expect(last.StreamDescription!.HasMoreShards).toBe(false);
    expect(last.StreamDescription!.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
  });
});
