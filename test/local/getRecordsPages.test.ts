import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const MIB = 1024 * 1024;
const SHARD = 'shardId-000000000000';

describe('local Kinesis GetRecords pages, as AWS sizes and dates them', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { large: 1, behind: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function trimHorizon(streamName: string): Promise<string> {
    const answer = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: SHARD,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    return answer.ShardIterator!;
  }

  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('returns at most 10 MiB per call and carries on after the last record returned', async () => {
    // 12 records of almost 1 MiB each, 3 per request (under the 5 MiB request limit).
    for (let request = 0; request < 4; request += 1) {
      const answer = await client.send(
        new PutRecordsCommand({
          StreamName: 'large',
          Records: Array.from({ length: 3 }, (_, i) => ({
            Data: new Uint8Array(MIB - 64).fill(request * 3 + i),
            PartitionKey: `k${request * 3 + i}`,
          })),
        }),
      );
      expect(answer.FailedRecordCount).toBe(0);
    }
    await pause(50);
    const first = await client.send(new GetRecordsCommand({ ShardIterator: await trimHorizon('large') }));
    const firstBytes = (first.Records ?? []).reduce(
      (sum, record) => sum + record.Data!.length + Buffer.byteLength(record.PartitionKey!),
      0,
    );
    expect(first.Records).toHaveLength(10);
    expect(firstBytes).toBeLessThanOrEqual(10 * MIB);
    expect(first.Records!.map((record) => record.Data![0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(50);
    const rest = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator! }));
    expect(rest.Records!.map((record) => record.Data![0])).toEqual([10, 11]);
    expect(rest.MillisBehindLatest).toBe(0);
  });

  it('reports MillisBehindLatest while records wait after the page (kinesalite always says 0)', async () => {
    await client.send(
      new PutRecordsCommand({
        StreamName: 'behind',
        Records: Array.from({ length: 3 }, (_, i) => ({ Data: new Uint8Array([i]), PartitionKey: `k${i}` })),
      }),
    );
    await pause(50);
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: await trimHorizon('behind'), Limit: 2 }),
    );
    expect(page.Records).toHaveLength(2);
    expect(page.MillisBehindLatest).toBeGreaterThanOrEqual(50);
    expect(page.MillisBehindLatest).toBeLessThan(600_000);
    const last = await client.send(
      new GetRecordsCommand({ ShardIterator: page.NextShardIterator!, Limit: 2 }),
    );
    expect(last.Records).toHaveLength(1);
    expect(last.MillisBehindLatest).toBe(0);
  });
});
