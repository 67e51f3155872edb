import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis read limits', () => {
  let now = 0;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { calls: 1, bytes: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function iterator(streamName: string): Promise<string> {
    const answer = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    return answer.ShardIterator!;
  }

  it('throttles the 6th GetRecords within one second on a shard', async () => {
    now = 1_000_000;
    await client.send(
      new PutRecordsCommand({
        StreamName: 'calls',
        Records: Array.from({ length: 10 }, (_, i) => ({ Data: new Uint8Array([i]), PartitionKey: `k${i}` })),
      }),
    );
    let shardIterator = await iterator('calls');
    const seen: number[] = [];
    for (let call = 0; call < 5; call += 1) {
      const answer = await client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 2 }));
      seen.push(...(answer.Records ?? []).map((record) => record.Data![0]!));
      shardIterator = answer.NextShardIterator!;
      now += 150;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const error = await client
      .send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 2 }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as Error).message).toBe(
      'Rate exceeded for Shard - 000000000000/calls/shardId-000000000000',
    );
    expect(local.stats.throttledGetRecordsCalls).toBe(1);
    // One second after the first call, a call is allowed again with the same iterator.
    now = 1_000_000 + 1000;
    const later = await client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 2 }));
    expect(later.Records).toEqual([]);
  });

  it('throttles the calls after a read of more than 2 MiB until the shard has caught up', async () => {
    now = 5_000_000;
    const tenKib = new Uint8Array(10 * 1024);
    // 3 seconds of writes at the 1 MiB/s limit: 3 x 100 records of 10 KiB.
    for (let second = 0; second < 3; second += 1) {
      const answer = await client.send(
        new PutRecordsCommand({
          StreamName: 'bytes',
          Records: Array.from({ length: 100 }, (_, i) => ({ Data: tenKib, PartitionKey: `k${second}-${i}` })),
        }),
      );
      expect(answer.FailedRecordCount).toBe(0);
      now += 1000;
    }
    const first = await client.send(new GetRecordsCommand({ ShardIterator: await iterator('bytes') }));
    // About 3 MiB, more than the 2 MiB bucket holds: the shard is throttled for as long as
    // 3 MiB take at 2 MiB/s (about 1.47 s), as AWS documents (10 MiB: the next 5 seconds).
    expect(first.Records).toHaveLength(300);
    const error = await client
      .send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator! }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    now += 1400; // refills 2.8 MiB: still in debt
    await expect(
      client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator! })),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    now += 100; // 3 MiB refilled in total: the debt is paid
    const after = await client.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator! }));
    expect(after.Records).toEqual([]);
  });
});
