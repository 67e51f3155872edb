// Since streams can be named by StreamARN, the API model leaves StreamName optional on every
// stream operation but CreateStream: a request naming no stream passes the model check, and
// Kinesis refuses it with an InvalidArgumentException. The local Kinesis answered most such
// requests with a ValidationException for the null streamName (the backing store's model, from
// before ARNs), and the encryption and tag operations with the InvalidArgumentException.
import * as kinesis from '@aws-sdk/client-kinesis';
import {
  InvalidArgumentException,
  PutRecordsCommand,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({ streams: { named: 2 } });
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

const data = new Uint8Array([1]);
const SHARD = 'shardId-000000000000';
/** Each operation whose model leaves StreamName optional, with its other members well-formed. */
const requests: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['DescribeStream', {}],
  ['DescribeStreamSummary', {}],
  ['DeleteStream', {}],
  ['PutRecord', { Data: data, PartitionKey: 'k' }],
  ['PutRecords', { Records: [{ Data: data, PartitionKey: 'k' }] }],
  ['GetShardIterator', { ShardId: SHARD, ShardIteratorType: 'LATEST' }],
  ['SplitShard', { ShardToSplit: SHARD, NewStartingHashKey: '1' }],
  ['MergeShards', { ShardToMerge: SHARD, AdjacentShardToMerge: 'shardId-000000000001' }],
  ['IncreaseStreamRetentionPeriod', { RetentionPeriodHours: 48 }],
  ['DecreaseStreamRetentionPeriod', { RetentionPeriodHours: 24 }],
  ['EnableEnhancedMonitoring', { ShardLevelMetrics: ['ALL'] }],
  ['DisableEnhancedMonitoring', { ShardLevelMetrics: ['ALL'] }],
  ['UpdateShardCount', { TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }],
  ['AddTagsToStream', { Tags: { a: 'b' } }],
  ['RemoveTagsFromStream', { TagKeys: ['a'] }],
  ['ListTagsForStream', {}],
  ['StartStreamEncryption', { EncryptionType: 'KMS', KeyId: 'key' }],
  ['StopStreamEncryption', { EncryptionType: 'KMS', KeyId: 'key' }],
];

type AnyCommand = new (input: Record<string, unknown>) => Parameters<KinesisClient['send']>[0];

it.each(requests)(
  'refuses %s naming no stream with one InvalidArgumentException',
  async (operation, input) => {
    const Command = (kinesis as unknown as Record<string, AnyCommand>)[`${operation}Command`]!;
    const error = await client.send(new Command(input)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe('Either StreamName or StreamARN should be provided.');
  },
);

it('lists the other members that fail the model first, without the stream name', async () => {
  const error = await client
    .send(new PutRecordsCommand({ Records: [{ Data: data, PartitionKey: '' }] } as never))
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationException);
  expect((error as Error).message).toBe(
    "1 validation error detected: Value '' at 'records.1.member.partitionKey' failed to satisfy " +
      'constraint: Member must have length greater than or equal to 1',
  );
});
