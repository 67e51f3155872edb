import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { parseListShards } from '../../src/local/listShardsPage.js';
import { parseListStreams } from '../../src/local/listStreamsPage.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

const LONG_NAME = 'a'.repeat(129);
const NAME_TOO_LONG =
  `Value '${LONG_NAME}' at 'streamName' failed to satisfy constraint: ` +
  'Member must have length less than or equal to 128';

/**
 * Kinesis checks a request against its API model (lengths, patterns, ranges) before the
 * operation itself looks at streams, shards or limits, and reports every member that fails in
 * one ValidationException ("N validation errors detected: …; …"). The front answers some
 * operations itself (tags) or checks limits before passing them on (CreateStream): the model
 * check still comes first there.
 */
describe('local Kinesis checks requests against the API model first', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, shardLimit: 10, streams: { tagged: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('CreateStream: a name too long is a ValidationException, not the shard limit', async () => {
    const refused = await refusal(
      client.send(new CreateStreamCommand({ StreamName: LONG_NAME, ShardCount: 1000 })),
    );
    expect(refused).toEqual({
      name: 'ValidationException',
      message: `1 validation error detected: ${NAME_TOO_LONG}`,
      status: 400,
    });
  });

  it('CreateStream: a ShardCount over 100000 is a ValidationException, not the shard limit', async () => {
    const refused = await refusal(
      client.send(new CreateStreamCommand({ StreamName: 'huge', ShardCount: 100_001 })),
    );
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain(
      "Value '100001' at 'shardCount' failed to satisfy constraint: Member must have value less than or equal to 100000",
    );
  });

  it('CreateStream within the model but over the account limit: LimitExceededException', async () => {
    const refused = await refusal(
      client.send(new CreateStreamCommand({ StreamName: 'wide', ShardCount: 11 })),
    );
    expect(refused.name).toBe('LimitExceededException');
  });

  it('AddTagsToStream: a name too long is a ValidationException, before the tags are looked at', async () => {
    const refused = await refusal(
      client.send(new AddTagsToStreamCommand({ StreamName: LONG_NAME, Tags: { 'a;b': 'b' } })),
    );
    expect(refused).toEqual({
      name: 'ValidationException',
      message: `1 validation error detected: ${NAME_TOO_LONG}`,
      status: 400,
    });
  });

  it('AddTagsToStream: a name outside the pattern and no tags: both in one ValidationException', async () => {
    const refused = await refusal(
      client.send(new AddTagsToStreamCommand({ StreamName: 'bad name', Tags: {} })),
    );
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toMatch(/^2 validation errors detected: /);
    expect(refused.message).toContain(
      "Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    expect(refused.message).toContain("at 'tags' failed to satisfy constraint");
  });

  it('an empty name breaks both the pattern and the length, in one ValidationException', async () => {
    const refused = await refusal(client.send(new ListTagsForStreamCommand({ StreamName: '' })));
    expect(refused.message).toBe(
      "2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must " +
        "satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to satisfy " +
        'constraint: Member must have length greater than or equal to 1',
    );
  });

  it.each([
    ['ListTagsForStream', () => new ListTagsForStreamCommand({ StreamName: '' })],
    ['RemoveTagsFromStream', () => new RemoveTagsFromStreamCommand({ StreamName: '', TagKeys: ['a'] })],
  ])('%s: an empty name is a ValidationException', async (_operation, command) => {
    const refused = await refusal(client.send(command() as ListTagsForStreamCommand));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain(
      "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it.each([
    ['a tab in a key', { 'a\tb': 'c' }],
    ['a newline in a key', { 'a\nb': 'c' }],
    ['a tab in a value', { a: 'b\tc' }],
    ['a newline in a value', { a: 'b\nc' }],
  ])('tags: %s is refused (white space means separators, not control characters)', async (_what, tags) => {
    const refused = await refusal(
      client.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: tags })),
    );
    expect(refused.name).toBe('InvalidArgumentException');
    expect(refused.message).toContain('Some tags contain invalid characters.');
  });

  it('tags: spaces, : and % are fine', async () => {
    await client.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { 'a b:c': 'd %e' } }));
    const { Tags } = await client.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }));
    expect(Tags).toEqual([{ Key: 'a b:c', Value: 'd %e' }]);
  });
});

/** Values of the wrong JSON type, sent as a client that skips its own checks would. */
const WRONG = {
  tags: 'abc' as unknown as Record<string, string>,
  tagsList: ['a'] as unknown as Record<string, string>,
  tagValue: { a: true } as unknown as Record<string, string>,
  streamName: 23 as unknown as string,
  tagKeys: 'a' as unknown as string[],
  tagKey: [7] as unknown as string[],
};

describe('local Kinesis answers values of the wrong JSON type with SerializationException', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { typed: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it.each([
    [
      'Tags a string',
      () => new AddTagsToStreamCommand({ StreamName: 'typed', Tags: WRONG.tags }),
      'Expected map or null',
    ],
    [
      'Tags a list',
      () => new AddTagsToStreamCommand({ StreamName: 'typed', Tags: WRONG.tagsList }),
      'Start of list found where not expected',
    ],
    [
      'a tag value a boolean',
      () => new AddTagsToStreamCommand({ StreamName: 'typed', Tags: WRONG.tagValue }),
      'class java.lang.Boolean can not be converted to an String',
    ],
    [
      'StreamName a number',
      () => new AddTagsToStreamCommand({ StreamName: WRONG.streamName, Tags: { a: 'b' } }),
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
    [
      'TagKeys a string',
      () => new RemoveTagsFromStreamCommand({ StreamName: 'typed', TagKeys: WRONG.tagKeys }),
      'Expected list or null',
    ],
    [
      'a tag key a number',
      () => new RemoveTagsFromStreamCommand({ StreamName: 'typed', TagKeys: WRONG.tagKey }),
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
  ])('%s', async (_what, command, message) => {
    const refused = await refusal(client.send(command() as AddTagsToStreamCommand));
    expect(refused).toEqual({ name: 'SerializationException', message, status: 400 });
  });
});

const NUMBER_TO_STRING =
  'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String';
const BOOLEAN_TO_STRING = 'class java.lang.Boolean can not be converted to an String';
const LISTED_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/listed';

describe('local Kinesis checks member types of the operations it answers itself', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { listed: 1 } });
  });

  afterAll(async () => {
    await local.close();
  });

  it.each([
    [
      'ListStreams',
      { ExclusiveStartStreamName: true },
      'class java.lang.Boolean can not be converted to an String',
    ],
    ['ListStreams', { Limit: '10' }, 'class java.lang.String can not be converted to an Integer'],
    [
      'ListShards',
      { StreamName: 23 },
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
    ['ListShards', { StreamName: 'listed', MaxResults: [] }, 'Start of list found where not expected'],
    [
      'ListShards',
      { StreamName: 'listed', StreamCreationTimestamp: '23' },
      'class java.lang.String can not be converted to milliseconds since epoch',
    ],
    [
      'UpdateShardCount',
      { StreamName: 'listed', TargetShardCount: {}, ScalingType: 'UNIFORM_SCALING' },
      'Start of structure or map found where not expected.',
    ],
    [
      'CreateStream',
      { StreamName: 'typed', ShardCount: 1, MaxRecordSizeInKiB: '2048' },
      'class java.lang.String can not be converted to an Integer',
    ],
    // Members the front reads itself: StreamARN, stream consumers, capacity mode, monitoring.
    ['DescribeStreamSummary', { StreamARN: 5 }, NUMBER_TO_STRING],
    ['GetShardIterator', { StreamARN: true, ShardId: 's', ShardIteratorType: 'LATEST' }, BOOLEAN_TO_STRING],
    ['GetRecords', { ShardIterator: 'i', StreamARN: [] }, 'Start of list found where not expected'],
    ['RegisterStreamConsumer', { StreamARN: LISTED_ARN, ConsumerName: 5 }, NUMBER_TO_STRING],
    [
      'DescribeStreamConsumer',
      { StreamARN: LISTED_ARN, ConsumerName: {} },
      'Start of structure or map found where not expected.',
    ],
    ['DescribeStreamConsumer', { ConsumerARN: true }, BOOLEAN_TO_STRING],
    ['DeregisterStreamConsumer', { StreamARN: LISTED_ARN, ConsumerName: 5 }, NUMBER_TO_STRING],
    [
      'ListStreamConsumers',
      { StreamARN: LISTED_ARN, MaxResults: '5' },
      'class java.lang.String can not be converted to an Integer',
    ],
    ['ListStreamConsumers', { StreamARN: LISTED_ARN, NextToken: 5 }, NUMBER_TO_STRING],
    [
      'ListStreamConsumers',
      { StreamARN: LISTED_ARN, StreamCreationTimestamp: 'x' },
      'class java.lang.String can not be converted to milliseconds since epoch',
    ],
    [
      'SubscribeToShard',
      { ConsumerARN: 5, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } },
      NUMBER_TO_STRING,
    ],
    [
      'SubscribeToShard',
      {
        ConsumerARN: `${LISTED_ARN}/consumer/c:1`,
        ShardId: 'shardId-000000000000',
        StartingPosition: 'LATEST',
      },
      'Expected null',
    ],
    ['UpdateStreamMode', { StreamARN: LISTED_ARN, StreamModeDetails: 'ON_DEMAND' }, 'Expected null'],
    ['UpdateStreamMode', { StreamARN: 5, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }, NUMBER_TO_STRING],
    [
      'UpdateStreamMode',
      { StreamARN: LISTED_ARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' }, WarmThroughputMiBps: '5' },
      'class java.lang.String can not be converted to an Integer',
    ],
    ['EnableEnhancedMonitoring', { StreamName: 'listed', ShardLevelMetrics: 'ALL' }, 'Expected list or null'],
    ['DisableEnhancedMonitoring', { StreamName: 5, ShardLevelMetrics: ['ALL'] }, NUMBER_TO_STRING],
    // Inside a structure or a list: the members' and items' own types.
    ['UpdateStreamMode', { StreamARN: LISTED_ARN, StreamModeDetails: { StreamMode: 5 } }, NUMBER_TO_STRING],
    ['CreateStream', { StreamName: 'typed', StreamModeDetails: 'ON_DEMAND' }, 'Expected null'],
    ['CreateStream', { StreamName: 'typed', StreamModeDetails: { StreamMode: true } }, BOOLEAN_TO_STRING],
    ['EnableEnhancedMonitoring', { StreamName: 'listed', ShardLevelMetrics: ['ALL', 5] }, NUMBER_TO_STRING],
    [
      'DisableEnhancedMonitoring',
      { StreamName: 'listed', ShardLevelMetrics: [{}] },
      'Start of structure or map found where not expected.',
    ],
    [
      'SubscribeToShard',
      {
        ConsumerARN: `${LISTED_ARN}/consumer/c:1`,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 5 },
      },
      NUMBER_TO_STRING,
    ],
    [
      'SubscribeToShard',
      {
        ConsumerARN: `${LISTED_ARN}/consumer/c:1`,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: 49 },
      },
      NUMBER_TO_STRING,
    ],
    [
      'SubscribeToShard',
      {
        ConsumerARN: `${LISTED_ARN}/consumer/c:1`,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: '2026-12-01' },
      },
      'class java.lang.String can not be converted to milliseconds since epoch',
    ],
  ])('%s %j: SerializationException', async (operation, body, message) => {
    const response = await post(local, operation, body);
    expect(response.status).toBe(400);
    // Kinesis spells this member `Message` in a SerializationException (the SDKs read either).
    expect(await response.json()).toEqual({ __type: 'SerializationException', Message: message });
  });
});

/** A signed JSON request, as an SDK sends it, with any body. */
function post(local: LocalKinesis, operation: string, body: unknown): Promise<Response> {
  return fetch(`${local.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `Kinesis_20131202.${operation}`,
      'X-Amz-Date': '20261201T000000Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
    },
    body: JSON.stringify(body),
  });
}

/**
 * Kinesis reads an Integer member given as a JSON number with a fraction as its whole part (the
 * backing store does too, for the operations it answers); the front's own range checks must not
 * refuse what Kinesis takes.
 */
describe('local Kinesis takes Integer members with a fraction, as Kinesis does', () => {
  let local: LocalKinesis;
  const scaledArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/scaled';

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { listed: 2, scaled: 1 } });
    const registered = await post(local, 'RegisterStreamConsumer', {
      StreamARN: scaledArn,
      ConsumerName: 'c',
    });
    expect(registered.status).toBe(200);
  });

  afterAll(async () => {
    await local.close();
  });

  it('ListShards MaxResults 1.5 lists one shard', async () => {
    const response = await post(local, 'ListShards', { StreamName: 'listed', MaxResults: 1.5 });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { Shards: unknown[]; NextToken?: string };
    expect(answer.Shards).toHaveLength(1);
    expect(typeof answer.NextToken).toBe('string');
  });

  it('ListStreams Limit 1.5 lists one stream, with its summary', async () => {
    const response = await post(local, 'ListStreams', { Limit: 1.5 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      StreamNames: ['listed'],
      HasMoreStreams: true,
      StreamSummaries: [{ StreamName: 'listed', StreamModeDetails: { StreamMode: 'PROVISIONED' } }],
    });
  });

  it('ListTagsForStream Limit 10.7 is taken', async () => {
    const response = await post(local, 'ListTagsForStream', { StreamName: 'listed', Limit: 10.7 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Tags: [], HasMoreTags: false });
  });

  it('ListStreamConsumers MaxResults 1.5 is taken', async () => {
    const response = await post(local, 'ListStreamConsumers', { StreamARN: scaledArn, MaxResults: 1.5 });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { Consumers: Array<{ ConsumerName: string }> };
    expect(answer.Consumers.map((consumer) => consumer.ConsumerName)).toEqual(['c']);
  });

  it('UpdateShardCount TargetShardCount 2.5 scales to 2 shards', async () => {
    const response = await post(local, 'UpdateShardCount', {
      StreamName: 'scaled',
      TargetShardCount: 2.5,
      ScalingType: 'UNIFORM_SCALING',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      StreamName: 'scaled',
      CurrentShardCount: 1,
      TargetShardCount: 2,
    });
  });
});

describe('ListShards model checks, all failures in one ValidationException', () => {
  it('reports the name, the token, the start shard and MaxResults together', () => {
    const refused = parseListShards(
      { StreamName: '', NextToken: '', MaxResults: 0, ExclusiveStartShardId: '' },
      Date.now(),
    );
    expect(refused).toMatchObject({ status: 400, type: 'ValidationException' });
    const message = (refused as { message: string }).message;
    expect(message).toMatch(/^6 validation errors detected: /);
    for (const part of [
      "Value '0' at 'maxResults' failed to satisfy constraint",
      "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      "Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]) {
      expect(message).toContain(part);
    }
  });

  it('a name and a start shard too long, and MaxResults too high: three failures', () => {
    const name = 'a'.repeat(129);
    const refused = parseListShards(
      { StreamName: name, MaxResults: 100_000, ExclusiveStartShardId: name },
      Date.now(),
    );
    const message = (refused as { message: string }).message;
    expect(message).toMatch(/^3 validation errors detected: /);
    expect(message).toContain(
      `Value '${name}' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });
});

describe('local Kinesis tag checks of the operation come after the stream lookup', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { present: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it.each([
    [
      'AddTagsToStream',
      (name: string) => new AddTagsToStreamCommand({ StreamName: name, Tags: { 'a;b': 'c' } }),
    ],
    [
      'RemoveTagsFromStream',
      (name: string) => new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: [';'] }),
    ],
    [
      'AddTagsToStream aws:',
      (name: string) => new AddTagsToStreamCommand({ StreamName: name, Tags: { 'aws:x': 'c' } }),
    ],
  ])('%s: an unknown stream is ResourceNotFoundException before bad characters', async (_what, command) => {
    const missing = await refusal(client.send(command('missing') as AddTagsToStreamCommand));
    expect(missing).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Stream missing under account 000000000000 not found.',
      status: 400,
    });
    const present = await refusal(client.send(command('present') as AddTagsToStreamCommand));
    expect(present.name).toBe('InvalidArgumentException');
  });

  it('ListTagsForStream checks its members types and ExclusiveStartTagKey length', async () => {
    const refused = await refusal(
      client.send(new ListTagsForStreamCommand({ StreamName: '', ExclusiveStartTagKey: '', Limit: 0 })),
    );
    expect(refused.message).toMatch(/^4 validation errors detected: /);
    expect(refused.message).toContain(
      "Value '' at 'exclusiveStartTagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const mistyped = await refusal(
      client.send(new ListTagsForStreamCommand({ StreamName: 'present', Limit: '5' as unknown as number })),
    );
    expect(mistyped).toMatchObject({
      name: 'SerializationException',
      message: 'class java.lang.String can not be converted to an Integer',
    });
  });
});

describe('ListStreams model checks', () => {
  it('refuses an empty ExclusiveStartStreamName (pattern and length)', () => {
    const refused = parseListStreams({ ExclusiveStartStreamName: '' }, Date.now());
    expect(refused).toEqual({
      status: 400,
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value '' at 'exclusiveStartStreamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ' +
        "Value '' at 'exclusiveStartStreamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });
});
