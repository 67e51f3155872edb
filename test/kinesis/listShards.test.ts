import {
  ListShardsCommand,
  SplitShardCommand,
  ExpiredNextTokenException,
  InvalidArgumentException,
  type KinesisClient,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { AbortedError } from '../../src/kinesis/errors/AbortedError.js';
import { KinesisValidationError } from '../../src/kinesis/errors/KinesisValidationError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { listShards } from '../../src/kinesis/listShards.js';
import { parseStreamAddress } from '../../src/kinesis/streamAddress.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

describe('listShards against local Kinesis', () => {
  let kinesis: TestKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    kinesis = await startTestKinesis();
    client = kinesis.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await kinesis.close();
  });

  it('lists every shard of a 5-shard stream, by name and by ARN, covering the hash-key space', async () => {
    const name = uniqueStreamName('list');
    await kinesis.createStream(name, 5);
    const byName = await listShards(client, parseStreamAddress(name), { pageSize: 2 });
    const byArn = await listShards(
      client,
      parseStreamAddress(`arn:aws:kinesis:us-east-1:000000000000:stream/${name}`),
      { pageSize: 2 },
    );
    expect(byName.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
      'shardId-000000000004',
    ]);
    expect(byArn).toEqual(byName);
    expect(byName[0]!.HashKeyRange?.StartingHashKey).toBe('0');
    expect(byName[4]!.HashKeyRange?.EndingHashKey).toBe(((1n << 128n) - 1n).toString());
    for (let i = 1; i < byName.length; i += 1) {
      expect(BigInt(byName[i]!.HashKeyRange!.StartingHashKey!)).toBe(
        BigInt(byName[i - 1]!.HashKeyRange!.EndingHashKey!) + 1n,
      );
    }
  });

  it('includes closed parents and their children after a split', async () => {
    const name = uniqueStreamName('split');
    await kinesis.createStream(name, 1);
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (1n << 127n).toString(),
      }),
    );
    let shards: Shard[] = [];
    for (let i = 0; i < 100 && shards.length < 3; i += 1) {
      shards = await listShards(client, parseStreamAddress(name));
      if (shards.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(shards).toHaveLength(3);
    const parent = shards.find((s) => s.ShardId === 'shardId-000000000000')!;
    expect(parent.SequenceNumberRange?.EndingSequenceNumber).toBeDefined();
    const children = shards.filter((s) => s.ParentShardId === 'shardId-000000000000');
    expect(children).toHaveLength(2);
  });

  it('throws StreamNotFoundError for a missing stream', async () => {
    const name = uniqueStreamName('nope');
    const error = await listShards(client, parseStreamAddress(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).context.streamName).toBe(name);
  });

  it('rejects with AbortedError when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await listShards(client, parseStreamAddress('whatever'), {
      abortSignal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
  });
});

/**
 * Kinesis's paging contract, for what kinesalite does not implement (it ignores MaxResults and
 * ShardFilter): pages of MaxResults shards, NextToken alone identifies the stream afterwards.
 */
function pagingClient(shards: Shard[], options: { expireFirstTokenOnce?: boolean } = {}) {
  const inputs: ListShardsCommandInput[] = [];
  let expireNext = options.expireFirstTokenOnce === true;
  const client = {
    send: async (command: object) => {
      if (!(command instanceof ListShardsCommand)) throw new Error('unexpected command');
      const input = command.input;
      inputs.push(input);
      const named = input.StreamName !== undefined || input.StreamARN !== undefined;
      if (named === (input.NextToken !== undefined)) {
        throw new InvalidArgumentException({
          message: 'NextToken and StreamName cannot be provided together.',
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (input.NextToken !== undefined && expireNext) {
        expireNext = false;
        throw new ExpiredNextTokenException({ message: 'expired', $metadata: { httpStatusCode: 400 } });
      }
      const start = input.NextToken === undefined ? 0 : Number(input.NextToken.slice('token-'.length));
      const size = input.MaxResults ?? 1000;
      const end = Math.min(start + size, shards.length);
      return {
        Shards: shards.slice(start, end),
        ...(end < shards.length ? { NextToken: `token-${end}` } : {}),
      };
    },
  } as unknown as KinesisClient;
  return { client, inputs };
}

const makeShards = (count: number): Shard[] =>
  Array.from({ length: count }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: String(i), EndingHashKey: String(i) },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));

describe('listShards paging', () => {
  it('follows NextToken, sending only the token (and MaxResults) after the first page', async () => {
    const shards = makeShards(5);
    const { client, inputs } = pagingClient(shards);
    const filter = { Type: 'AT_LATEST' as const };
    const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/paged';
    const result = await listShards(client, parseStreamAddress(arn), { pageSize: 2, shardFilter: filter });
    expect(result).toEqual(shards);
    expect(inputs).toEqual([
      { StreamName: 'paged', StreamARN: arn, MaxResults: 2, ShardFilter: filter },
      { NextToken: 'token-2', MaxResults: 2 },
      { NextToken: 'token-4', MaxResults: 2 },
    ]);
  });

  it('uses pages of 1000 by default', async () => {
    const { client, inputs } = pagingClient(makeShards(2500));
    expect(await listShards(client, parseStreamAddress('big'))).toHaveLength(2500);
    expect(inputs.map((input) => input.MaxResults)).toEqual([1000, 1000, 1000]);
  });

  it('starts over when a NextToken expires', async () => {
    const shards = makeShards(5);
    const { client, inputs } = pagingClient(shards, { expireFirstTokenOnce: true });
    const result = await listShards(client, parseStreamAddress('s'), { pageSize: 2 });
    expect(result).toEqual(shards);
    expect(inputs.filter((input) => input.StreamName === 's')).toHaveLength(2);
  });

  it('maps request errors to typed errors', async () => {
    const client = {
      send: async () => {
        throw new InvalidArgumentException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
      },
    } as unknown as KinesisClient;
    await expect(listShards(client, parseStreamAddress('s'))).rejects.toBeInstanceOf(KinesisValidationError);
  });

  it.each([[0], [10_001], [1.5], [Number.NaN]])('rejects pageSize %p', async (pageSize) => {
    const { client, inputs } = pagingClient(makeShards(1));
    await expect(listShards(client, parseStreamAddress('s'), { pageSize })).rejects.toThrow(
      InvalidOptionError,
    );
    expect(inputs).toHaveLength(0);
  });

  it('rejects a ShardFilter without a Type', async () => {
    const { client } = pagingClient(makeShards(1));
    await expect(listShards(client, parseStreamAddress('s'), { shardFilter: {} as never })).rejects.toThrow(
      InvalidOptionError,
    );
  });
});
