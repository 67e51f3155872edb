import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  ListShardsCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local Kinesis GetShardIterator AT_TIMESTAMP', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { stamped: 1, empty: 1, split: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function shardOf(streamName: string): Promise<string> {
    return (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards![0]!.ShardId!;
  }

  async function atTimestamp(streamName: string, shardId: string, timestamp: Date): Promise<string> {
    const answer = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: timestamp,
      }),
    );
    return answer.ShardIterator!;
  }

  async function put(streamName: string, values: number[]): Promise<void> {
    const answer = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: values.map((value) => ({ PartitionKey: `k${value}`, Data: new Uint8Array([value]) })),
      }),
    );
    expect(answer.FailedRecordCount).toBe(0);
  }

  async function read(iterator: string): Promise<number[]> {
    const answer = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    return answer.Records!.map((record) => record.Data![0]!);
  }

  it('starts at the first record written at or after the timestamp', async () => {
    const shardId = await shardOf('stamped');
    await put('stamped', [1, 2]);
    await sleep(50);
    const between = new Date();
    await sleep(50);
    await put('stamped', [3, 4]);
    expect(await read(await atTimestamp('stamped', shardId, between))).toEqual([3, 4]);
  });

  it('answers at once on a shard with no record at or after the timestamp, and yields records written later', async () => {
    const shardId = await shardOf('empty');
    const started = Date.now();
    const iterator = await atTimestamp('empty', shardId, new Date(Date.now() - 1000));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await read(iterator)).toEqual([]);
    await put('empty', [7, 8]);
    expect(await read(iterator)).toEqual([7, 8]);

    // Records older than the timestamp are skipped, later ones still arrive.
    await sleep(50);
    const after = new Date();
    await sleep(50);
    const later = await atTimestamp('empty', shardId, after);
    expect(await read(later)).toEqual([]);
    await put('empty', [9]);
    expect(await read(later)).toEqual([9]);
  });

  it('gives an empty child of a split an iterator (children of a split start at AT_TIMESTAMP)', async () => {
    const parent = await shardOf('split');
    await client.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: parent,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await untilActive(client, 'split');
    const children = (await client.send(new ListShardsCommand({ StreamName: 'split' }))).Shards!.filter(
      (shard) => shard.ParentShardId === parent,
    );
    expect(children).toHaveLength(2);
    const iterator = await atTimestamp('split', children[1]!.ShardId!, new Date(Date.now() - 60_000));
    expect(await read(iterator)).toEqual([]);
  });

  it('keeps the errors Kinesis gives: unknown shard, and a timestamp in the future', async () => {
    await expect(atTimestamp('stamped', 'shardId-000000000009', new Date())).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(atTimestamp('missing', 'shardId-000000000000', new Date())).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      atTimestamp('stamped', await shardOf('stamped'), new Date(Date.now() + 3_600_000)),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });
});
