import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const SPACE = 2n ** 128n;

/**
 * Kinesis reads a ShardId by the number after its dash, so "shardId-0" and "shardId-1" name
 * shardId-000000000000 and shardId-000000000001 (GetShardIterator answers for that shard, and
 * its refusals name the long form). The front must read them the same way.
 */
describe('local Kinesis GetShardIterator with a short ShardId ("shardId-0")', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: true,
      clock: () => now,
      streamStatusDelayMs: 0,
      streams: { short: 1, parted: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('names the shard in its long form when it calls a sequence number invalid', async () => {
    const error = await client
      .send(
        new GetShardIteratorCommand({
          StreamName: 'short',
          ShardId: 'shardId-0',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: '0',
        }),
      )
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'StartingSequenceNumber 0 used in GetShardIterator on shard shardId-000000000000 in stream short under account 000000000000 is invalid.',
    );
  });

  it('counts it against the same shard as the long form (5 calls a second)', async () => {
    now += 10_000;
    const iterator = (shardId: string): Promise<unknown> =>
      client.send(
        new GetShardIteratorCommand({ StreamName: 'short', ShardId: shardId, ShardIteratorType: 'LATEST' }),
      );
    for (let call = 0; call < 5; call += 1) await iterator('shardId-000000000000');
    await expect(iterator('shardId-0')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('names the ChildShards at the end of a closed shard read from such an iterator', async () => {
    now += 10_000;
    await client.send(
      new SplitShardCommand({
        StreamName: 'parted',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (SPACE / 2n).toString(),
      }),
    );
    await untilActive(client, 'parted');
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'parted',
          ShardId: 'shardId-0',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    let childShards: unknown;
    for (let i = 0; i < 10 && iterator !== undefined; i += 1) {
      now += 1_000;
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      childShards = page.ChildShards;
      iterator = page.NextShardIterator;
    }
    expect(iterator).toBeUndefined();
    expect((childShards as Array<{ ShardId: string }>).map((child) => child.ShardId)).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
  });
});
