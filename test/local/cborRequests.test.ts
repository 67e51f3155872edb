import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { cborTimestamp, postCbor, postCborHttp2, subscribeCbor } from './cborClient.js';
import { activeConsumer } from './fanOutClient.js';

const CBOR = 'application/x-amz-cbor-1.1';
const SHARD = 'shardId-000000000000';

/**
 * The AWS SDK for Java (v1, v2) and so the KCL speak the Kinesis CBOR protocol by default. AWS
 * answers a CBOR request in CBOR (errors too: `{ __type, message }` plus X-Amzn-ErrorType), with
 * blobs as byte strings and timestamps as tag 1 holding epoch milliseconds. The local endpoint
 * must hold such requests to the same limits, faults and validation as JSON ones.
 */
describe('local Kinesis answers CBOR requests (the Java SDK and KCL default) as JSON ones', () => {
  let now = 0;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: { writeRecordsPerSecond: 3, getRecordsCallsPerSecond: 2, maxRecordsPerRequest: 4 },
      clock: () => now,
      streams: { roundTrip: 1, writes: 1, reads: 1, sizes: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  async function cborIterator(streamName: string): Promise<string> {
    const answer = await postCbor(local.endpoint, 'GetShardIterator', {
      StreamName: streamName,
      ShardId: SHARD,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    expect(answer.status).toBe(200);
    return answer.body.ShardIterator as string;
  }

  it('stores CBOR byte strings as the same bytes a JSON reader gets, and answers records in CBOR', async () => {
    now = 1_000_000;
    const data = Buffer.from([0, 1, 2, 250, 251, 252]);
    const put = await postCbor(local.endpoint, 'PutRecord', {
      StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/roundTrip`,
      Data: data,
      PartitionKey: 'pk',
    });
    // StreamARN addressing is answered by the front (kinesalite knows only StreamName).
    expect(put).toMatchObject({ status: 200, contentType: CBOR, body: { ShardId: SHARD } });

    const viaJson = await client.send(
      new GetRecordsCommand({
        ShardIterator: (
          await client.send(
            new GetShardIteratorCommand({
              StreamName: 'roundTrip',
              ShardId: SHARD,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator,
      }),
    );
    expect(Buffer.from(viaJson.Records![0]!.Data!)).toEqual(data);

    const before = Date.now();
    const read = await postCbor(local.endpoint, 'GetRecords', {
      ShardIterator: await cborIterator('roundTrip'),
    });
    expect(read.status).toBe(200);
    expect(read.contentType).toBe(CBOR);
    const records = read.body.Records as Array<Record<string, unknown>>;
    expect(records).toHaveLength(1);
    expect(Buffer.from(records[0]!.Data as Uint8Array)).toEqual(data);
    // Tag 1 with epoch milliseconds, as AWS writes it for the Java SDK.
    const arrival = records[0]!.ApproximateArrivalTimestamp as { tag: number; value: number };
    expect(arrival.tag).toBe(1);
    expect(Number.isInteger(arrival.value)).toBe(true);
    expect(arrival.value).toBeGreaterThan(before - 600_000);
    expect(arrival.value).toBeLessThanOrEqual(Date.now() + 1000);

    // A CBOR timestamp (tag 1, milliseconds) in a request means the same instant.
    const atTimestamp = await postCbor(local.endpoint, 'GetShardIterator', {
      StreamName: 'roundTrip',
      ShardId: SHARD,
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: cborTimestamp(arrival.value - 1000),
    });
    expect(atTimestamp.status).toBe(200);
    now += 1000; // a new second of GetRecords calls on the shard
    const fromTimestamp = await postCbor(local.endpoint, 'GetRecords', {
      ShardIterator: atTimestamp.body.ShardIterator,
    });
    expect(fromTimestamp.body.Records).toHaveLength(1);
  });

  it('throttles CBOR PutRecords entries past the per-shard write limit, per entry', async () => {
    now = 2_000_000;
    const answer = await postCbor(local.endpoint, 'PutRecords', {
      StreamName: 'writes',
      Records: [1, 2, 3, 4].map((n) => ({ Data: Buffer.from([n]), PartitionKey: `pk-${n}` })),
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe(CBOR);
    expect(answer.body.FailedRecordCount).toBe(1);
    const entries = answer.body.Records as Array<Record<string, unknown>>;
    expect(entries[3]).toMatchObject({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage:
        'Rate exceeded for shard shardId-000000000000 in stream writes under account 000000000000.',
    });
  });

  it('refuses a CBOR PutRecords over the records-per-request limit with a CBOR error answer', async () => {
    now = 3_000_000;
    const answer = await postCbor(local.endpoint, 'PutRecords', {
      StreamName: 'sizes',
      Records: [1, 2, 3, 4, 5].map((n) => ({ Data: Buffer.from([n]), PartitionKey: `pk-${n}` })),
    });
    expect(answer).toEqual({
      status: 400,
      contentType: CBOR,
      errorType: 'ValidationException',
      body: {
        __type: 'ValidationException',
        message: `1 validation error detected: Value '[${Array.from({ length: 5 }, () => 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310').join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 4`,
      },
    });
  });

  it('throttles CBOR GetRecords past the calls-per-second limit of a shard', async () => {
    now = 4_000_000;
    const iterator = await cborIterator('reads');
    const answers = [];
    for (let call = 0; call < 3; call += 1) {
      answers.push(await postCbor(local.endpoint, 'GetRecords', { ShardIterator: iterator }));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400]);
    expect(answers[2]).toMatchObject({
      contentType: CBOR,
      errorType: 'ProvisionedThroughputExceededException',
      body: {
        __type: 'ProvisionedThroughputExceededException',
        message: 'Rate exceeded for Shard - 000000000000/reads/shardId-000000000000',
      },
    });
  });

  it('holds CBOR requests over HTTP/2 (the Java SDK 2.x async client) to the same limits', async () => {
    now = 5_000_000;
    const answer = await postCborHttp2(local.endpoint, 'PutRecords', {
      StreamName: 'sizes',
      Records: [1, 2, 3, 4, 5].map((n) => ({ Data: Buffer.from([n]), PartitionKey: `pk-${n}` })),
    });
    expect(answer).toMatchObject({
      status: 400,
      contentType: CBOR,
      errorType: 'ValidationException',
      body: { __type: 'ValidationException' },
    });
    const put = await postCborHttp2(local.endpoint, 'PutRecord', {
      StreamName: 'sizes',
      Data: Buffer.from([42]),
      PartitionKey: 'h2',
    });
    expect(put).toMatchObject({ status: 200, contentType: CBOR, body: { ShardId: SHARD } });
  });

  it('refuses an unsigned CBOR request that the front answers itself, in CBOR', async () => {
    const answer = await postCbor(local.endpoint, 'DescribeLimits', {}, {});
    expect(answer).toMatchObject({
      status: 400,
      contentType: CBOR,
      body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    });
  });
});

describe('local Kinesis SubscribeToShard called in CBOR', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { fanned: 1 }, efo: { consumerStatusDelayMs: 0 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('sends the events with CBOR payloads (record Data as bytes, timestamps as tag 1 ms)', async () => {
    const consumerArn = await activeConsumer(client, 'fanned', 'java-app');
    const data = Buffer.from([9, 8, 7, 0, 255]);
    const put = await postCbor(local.endpoint, 'PutRecord', {
      StreamName: 'fanned',
      Data: data,
      PartitionKey: 'k',
    });
    expect(put.status).toBe(200);
    const { status, messages } = await subscribeCbor(
      local.endpoint,
      { ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'TRIM_HORIZON' } },
      (seen) => seen.some((message) => ((message.body.Records as unknown[] | undefined) ?? []).length > 0),
    );
    expect(status).toBe(200);
    expect(messages[0]!.headers).toMatchObject({
      ':event-type': 'initial-response',
      ':content-type': 'application/x-amz-cbor-1.1',
    });
    const event = messages.find(
      (message) => ((message.body.Records as unknown[] | undefined) ?? []).length > 0,
    )!;
    expect(event.headers).toMatchObject({
      ':event-type': 'SubscribeToShardEvent',
      ':message-type': 'event',
      ':content-type': 'application/x-amz-cbor-1.1',
    });
    const record = (event.body.Records as Array<Record<string, unknown>>)[0]!;
    expect(Buffer.from(record.Data as Uint8Array)).toEqual(data);
    expect(record.ApproximateArrivalTimestamp).toMatchObject({ tag: 1 });
    expect(Number((record.ApproximateArrivalTimestamp as { value: number }).value)).toBeGreaterThan(1e12);
    expect(event.body.ContinuationSequenceNumber).toEqual(expect.any(String));
  });

  it('refuses a CBOR SubscribeToShard for an unknown consumer in CBOR', async () => {
    const answer = await postCbor(local.endpoint, 'SubscribeToShard', {
      ConsumerARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/fanned/consumer/nobody:1',
      ShardId: SHARD,
      StartingPosition: { Type: 'LATEST' },
    });
    expect(answer).toMatchObject({
      status: 400,
      contentType: 'application/x-amz-cbor-1.1',
      body: { __type: 'ResourceNotFoundException' },
    });
  });
});

describe('local Kinesis injects faults into CBOR requests as into JSON ones', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ faults: { serverErrorRate: 1 }, streams: { faulty: 1 } });
  });

  afterAll(async () => {
    await local.close();
  });

  it('answers an injected InternalFailure in CBOR', async () => {
    const answer = await postCbor(local.endpoint, 'ListShards', { StreamName: 'faulty' });
    expect(answer).toMatchObject({
      status: 500,
      contentType: CBOR,
      errorType: 'InternalFailure',
      body: { __type: 'InternalFailure', message: 'Internal service failure.' },
    });
  });
});
