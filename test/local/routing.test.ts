import { createHash } from 'node:crypto';
import {
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

function md5HashKey(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

function shardFor(shards: readonly Shard[], hashKey: bigint): string {
  const open = shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined);
  const match = open.find(
    (shard) =>
      BigInt(shard.HashKeyRange!.StartingHashKey!) <= hashKey &&
      hashKey <= BigInt(shard.HashKeyRange!.EndingHashKey!),
  );
  if (match === undefined) throw new Error(`no shard holds ${hashKey}`);
  return match.ShardId!;
}

const THROTTLED = /^Rate exceeded for shard (shardId-\d{12}) in stream (\S+) under account \d{12}\.$/;

describe('local Kinesis shard routing', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: { writeRecordsPerSecond: 5 },
      clock: () => now,
      streams: { routed: 4, split: 1 },
    });
    client = local.createClient();
  });

  beforeEach(() => {
    now += 1000;
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function listShards(streamName: string): Promise<Shard[]> {
    return (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  }

  it('counts each entry against the shard its partition key hashes to', async () => {
    const shards = await listShards('routed');
    expect(shards).toHaveLength(4);
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const expected = keys.map((key) => shardFor(shards, md5HashKey(key)));
    const result = await client.send(
      new PutRecordsCommand({
        StreamName: 'routed',
        Records: keys.map((key) => ({ PartitionKey: key, Data: new Uint8Array(8) })),
      }),
    );
    const acceptedPerShard = new Map<string, number>();
    result.Records!.forEach((entry, i) => {
      if (entry.ErrorCode === undefined) {
        expect(entry.ShardId).toBe(expected[i]);
        acceptedPerShard.set(entry.ShardId!, (acceptedPerShard.get(entry.ShardId!) ?? 0) + 1);
      } else {
        // The throttle names the shard the entry was counted against.
        expect(entry.ErrorMessage!.match(THROTTLED)?.[1]).toBe(expected[i]);
      }
    });
    // Every shard gets far more than 5 of the 200 keys: each accepts exactly its 5 per second.
    expect([...acceptedPerShard.values()]).toEqual([5, 5, 5, 5]);
    expect(result.FailedRecordCount).toBe(200 - 20);
  });

  it('routes by ExplicitHashKey, ignoring the partition key', async () => {
    const shards = await listShards('routed');
    const lastShard = shards[3]!;
    const hashKey = BigInt(lastShard.HashKeyRange!.StartingHashKey!) + 12345n;
    const records = Array.from({ length: 8 }, (_, i) => ({
      PartitionKey: `any-${i}`,
      ExplicitHashKey: hashKey.toString(),
      Data: new Uint8Array(8),
    }));
    const result = await client.send(new PutRecordsCommand({ StreamName: 'routed', Records: records }));
    const accepted = result.Records!.filter((entry) => entry.ErrorCode === undefined);
    expect(accepted.map((entry) => entry.ShardId)).toEqual(Array(5).fill(lastShard.ShardId));
    for (const entry of result.Records!.slice(5)) {
      expect(entry.ErrorMessage!.match(THROTTLED)?.[1]).toBe(lastShard.ShardId);
    }
  });

  it('follows a SplitShard that passed through the endpoint', async () => {
    const [parent] = await listShards('split');
    // A first write makes the endpoint load (and cache) the shard map of the unsplit stream.
    const before = await client.send(
      new PutRecordsCommand({
        StreamName: 'split',
        Records: [{ PartitionKey: 'k', Data: new Uint8Array(1) }],
      }),
    );
    expect(before.Records![0]!.ShardId).toBe(parent!.ShardId);
    now += 1000;
    const middle = (BigInt(parent!.HashKeyRange!.EndingHashKey!) + 1n) / 2n;
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: middle.toString(),
      }),
    );
    await untilActive(client, 'split');
    const shards = await listShards('split');
    expect(shards).toHaveLength(3);
    const records = Array.from({ length: 10 }, (_, i) => ({
      PartitionKey: 'k',
      ExplicitHashKey: (i < 5 ? middle - 1n : middle).toString(),
      Data: new Uint8Array(8),
    }));
    const result = await client.send(new PutRecordsCommand({ StreamName: 'split', Records: records }));
    // Two open children, 5 records each: both within their own budget.
    expect(result.FailedRecordCount).toBe(0);
    expect(
      result.Records!.slice(0, 5).every((entry) => entry.ShardId === shardFor(shards, middle - 1n)),
    ).toBe(true);
    expect(result.Records!.slice(5).every((entry) => entry.ShardId === shardFor(shards, middle))).toBe(true);
    expect(shardFor(shards, middle - 1n)).not.toBe(shardFor(shards, middle));
  });

  it('follows a SplitShard even when a write loaded the shard map while the stream was UPDATING', async () => {
    // A stream that stays UPDATING long enough for the write below to land on a loaded machine;
    // its clock runs, so that the wait for ACTIVE stays within the DescribeStreamSummary rate.
    const startedAt = Date.now();
    const slow = await startLocalKinesis({
      limits: { writeRecordsPerSecond: 5 },
      clock: () => now + (Date.now() - startedAt),
      streamStatusDelayMs: 5_000,
      streams: { 'split-late': 1 },
    });
    const slowClient = slow.createClient();
    try {
      await splitWhileWriting(slowClient);
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  }, 60_000);

  async function splitWhileWriting(client: KinesisClient): Promise<void> {
    const listShards = async (streamName: string): Promise<Shard[]> =>
      (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
    const [parent] = await listShards('split-late');
    const middle = (BigInt(parent!.HashKeyRange!.EndingHashKey!) + 1n) / 2n;
    await client.send(
      new SplitShardCommand({
        StreamName: 'split-late',
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: middle.toString(),
      }),
    );
    // Written while UPDATING: the endpoint loads the shard map of the still unsplit stream.
    const during = await client.send(
      new PutRecordsCommand({
        StreamName: 'split-late',
        Records: [{ PartitionKey: 'k', Data: new Uint8Array(1) }],
      }),
    );
    expect(during.Records![0]!.ShardId).toBe(parent!.ShardId);
    await untilActive(client, 'split-late');
    await new Promise((resolve) => setTimeout(resolve, 100));
    now += 1000;
    const shards = await listShards('split-late');
    expect(shards).toHaveLength(3);
    const records = Array.from({ length: 10 }, (_, i) => ({
      PartitionKey: 'k',
      ExplicitHashKey: (i < 5 ? middle - 1n : middle).toString(),
      Data: new Uint8Array(8),
    }));
    const result = await client.send(new PutRecordsCommand({ StreamName: 'split-late', Records: records }));
    // Counted against the two children (5 each, within budget), not the closed parent (10 > 5).
    expect(result.FailedRecordCount).toBe(0);
  }
});
