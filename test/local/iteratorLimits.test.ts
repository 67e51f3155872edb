import {
  GetShardIteratorCommand,
  ProvisionedThroughputExceededException,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

describe('local Kinesis GetShardIterator limit (5 calls per second per shard, as on AWS)', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { iterated: 2 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  const iterator = (shardId: string): Promise<unknown> =>
    client.send(
      new GetShardIteratorCommand({ StreamName: 'iterated', ShardId: shardId, ShardIteratorType: 'LATEST' }),
    );

  it('throttles the 6th call within a second on one shard, not the other shards', async () => {
    for (let call = 0; call < 5; call += 1) {
      await iterator('shardId-000000000000');
      now += 100;
    }
    const error = await iterator('shardId-000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as Error).message).toBe(
      'Rate exceeded for shard shardId-000000000000 in stream iterated under account 000000000000.',
    );
    expect(local.stats.throttledGetShardIteratorCalls).toBe(1);
    await expect(iterator('shardId-000000000001')).resolves.toBeDefined();
    now += 600; // a second after the first call
    await expect(iterator('shardId-000000000000')).resolves.toBeDefined();
  });

  it('does not count a call refused as invalid', async () => {
    now += 10_000;
    for (let call = 0; call < 6; call += 1) {
      await expect(
        client.send(
          new GetShardIteratorCommand({
            StreamName: 'iterated',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
      ).rejects.toThrow('StartingSequenceNumber');
    }
    for (let call = 0; call < 5; call += 1) await iterator('shardId-000000000000');
  });

  it('answers a malformed call with its ValidationException even when the shard is over its rate', async () => {
    // The shard's 5 calls of this second are spent (the test before).
    await expect(iterator('shardId-000000000000')).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    const error = await client
      .send(
        new GetShardIteratorCommand({
          StreamName: 'iterated',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'SOMEWHERE' as 'LATEST',
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
  });
});

describe('local Kinesis GetShardIterator limit, set by hand', () => {
  const now = 2_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: { getShardIteratorCallsPerSecond: 2 },
      clock: () => now,
      streams: { slow: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('keeps to the given rate', async () => {
    const call = (): Promise<unknown> =>
      client.send(
        new GetShardIteratorCommand({
          StreamName: 'slow',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'LATEST',
        }),
      );
    await call();
    await call();
    await expect(call()).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});
