import {
  InvalidArgumentException,
  ListShardsCommand,
  ListStreamConsumersCommand,
  RegisterStreamConsumerCommand,
  ValidationException,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { listShardsPage, parseListShards, type ListShardsQuery } from '../../src/local/listShardsPage.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const NOW = 1_800_000_000_000;

function openShards(count: number): Shard[] {
  return Array.from({ length: count }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: String(i), EndingHashKey: String(i) },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

describe('ListShards page size and NextToken rules, as AWS has them', () => {
  it('returns at most 1,000 shards a page, whatever MaxResults asks', () => {
    const query = parseListShards({ StreamName: 'wide', MaxResults: 10_000 }, NOW) as ListShardsQuery;
    const page = listShardsPage(query, openShards(1500), NOW);
    expect(page.Shards).toHaveLength(1000);
    expect(typeof page.NextToken).toBe('string');
    const next = parseListShards({ NextToken: page.NextToken }, NOW) as ListShardsQuery;
    expect(listShardsPage(next, openShards(1500), NOW).Shards).toHaveLength(500);
  });

  it('words the NextToken refusals as AWS does', () => {
    const query = parseListShards({ StreamName: 'wide', MaxResults: 1 }, NOW) as ListShardsQuery;
    const { NextToken: token } = listShardsPage(query, openShards(2), NOW);
    expect(parseListShards({ NextToken: token, ShardFilter: { Type: 'AT_LATEST' } }, NOW)).toMatchObject({
      type: 'InvalidArgumentException',
      message: 'NextToken and ShardFilter cannot be provided together.',
    });
    expect(
      parseListShards({ NextToken: token, ExclusiveStartShardId: 'shardId-000000000000' }, NOW),
    ).toMatchObject({
      type: 'InvalidArgumentException',
      message: 'NextToken and ExclusiveStartShardId cannot be provided together.',
    });
  });

  it('refuses StreamCreationTimestamp with a NextToken', () => {
    const query = parseListShards({ StreamName: 'wide', MaxResults: 1 }, NOW) as ListShardsQuery;
    const { NextToken: token } = listShardsPage(query, openShards(2), NOW);
    const refusal = parseListShards({ NextToken: token, StreamCreationTimestamp: NOW / 1000 }, NOW);
    expect(refusal).toMatchObject({ status: 400, type: 'InvalidArgumentException' });
  });
});

describe('ListStreamConsumers page size, as AWS has it', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/crowded';

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { crowded: 1 }, efo: { maxConsumersPerStream: 150 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('refuses MaxResults outside 1..10000 with a ValidationException naming the bound broken', async () => {
    for (const [maxResults, bound] of [
      [0, 'greater than or equal to 1'],
      [10_001, 'less than or equal to 10000'],
    ] as const) {
      const error = await client
        .send(new ListStreamConsumersCommand({ StreamARN: streamArn, MaxResults: maxResults }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toBe(
        `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`,
      );
    }
  });

  it('returns at most 100 consumers a page', async () => {
    for (let i = 0; i < 101; i += 1) {
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `c${i}` }));
    }
    const first = await client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn, MaxResults: 500 }),
    );
    expect(first.Consumers).toHaveLength(100);
    const rest = await client.send(
      new ListStreamConsumersCommand({ StreamARN: streamArn, NextToken: first.NextToken }),
    );
    expect(rest.Consumers).toHaveLength(1);
    expect(rest.NextToken).toBeUndefined();
  });
});

describe('ListShards by StreamARN with a NextToken', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { paged: 2 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('names StreamARN in the refusal, as AWS does', async () => {
    const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/paged';
    const first = await client.send(new ListShardsCommand({ StreamARN: streamArn, MaxResults: 1 }));
    const error = await client
      .send(new ListShardsCommand({ StreamARN: streamArn, NextToken: first.NextToken }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe('NextToken and StreamARN cannot be provided together.');
  });
});
