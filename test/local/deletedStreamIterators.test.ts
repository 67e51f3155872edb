// The backing store reads a shard iterator's stream by its name. An iterator handed out before a
// stream was deleted then read a new stream of the same name, records it was never given; Kinesis
// knows the stream an iterator was made for, and the deleted stream's shard no longer exists.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { waitFor } from '../support/streamRecords.js';
import { untilActive } from './untilActive.js';

jest.setTimeout(60_000);

const SHARD = 'shardId-000000000000';

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({ streamStatusDelayMs: 50 });
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

async function put(streamName: string, data: string): Promise<void> {
  await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from(data) }),
  );
}

async function trimHorizon(streamName: string): Promise<string> {
  const answer = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: SHARD,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  return answer.ShardIterator!;
}

async function untilGone(streamName: string): Promise<void> {
  await waitFor(
    () =>
      client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).then(
        () => false,
        (error: unknown) => error instanceof ResourceNotFoundException,
      ),
    { timeoutMs: 30_000, message: () => `${streamName} still there` },
  );
}

function dataOf(records: ReadonlyArray<{ Data?: Uint8Array }> | undefined): string[] {
  return (records ?? []).map((record) => Buffer.from(record.Data!).toString());
}

it('answers an iterator of a deleted stream as not found, also once a stream of its name is back', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'reborn', ShardCount: 1 }));
  await untilActive(client, 'reborn');
  await put('reborn', 'old');
  const fresh = await trimHorizon('reborn');
  const read = await client.send(new GetRecordsCommand({ ShardIterator: fresh }));
  expect(dataOf(read.Records)).toEqual(['old']);
  const next = read.NextShardIterator!;

  await client.send(new DeleteStreamCommand({ StreamName: 'reborn' }));
  await untilGone('reborn');
  const whileGone = await client
    .send(new GetRecordsCommand({ ShardIterator: fresh }))
    .catch((error: unknown) => error);
  expect(whileGone).toBeInstanceOf(ResourceNotFoundException);

  await client.send(new CreateStreamCommand({ StreamName: 'reborn', ShardCount: 1 }));
  await untilActive(client, 'reborn');
  await put('reborn', 'new');
  for (const iterator of [fresh, next]) {
    const error = await client
      .send(new GetRecordsCommand({ ShardIterator: iterator }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe(
      `Shard ${SHARD} in stream reborn under account 000000000000 does not exist`,
    );
  }
  // The new stream reads as its own.
  const current = await client.send(new GetRecordsCommand({ ShardIterator: await trimHorizon('reborn') }));
  expect(dataOf(current.Records)).toEqual(['new']);
});

it('does the same for a stream deleted and created again with the helpers', async () => {
  await local.createStream('helped', 1);
  await put('helped', 'old');
  const iterator = await trimHorizon('helped');
  await local.deleteStream('helped');
  await local.createStream('helped', 1);
  await put('helped', 'new');
  await expect(client.send(new GetRecordsCommand({ ShardIterator: iterator }))).rejects.toBeInstanceOf(
    ResourceNotFoundException,
  );
});

it('still answers a read through an iterator while its stream is DELETING, as Kinesis may', async () => {
  const slow = await startLocalKinesis({ streamStatusDelayMs: 1500, streams: { slow: 1 } });
  const slowClient = slow.createClient();
  try {
    await slowClient.send(
      new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'k', Data: Buffer.from('kept') }),
    );
    const iterator = (
      await slowClient.send(
        new GetShardIteratorCommand({
          StreamName: 'slow',
          ShardId: SHARD,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator!;
    await slowClient.send(new DeleteStreamCommand({ StreamName: 'slow' }));
    const summary = await slowClient.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
    // Answered as the backing store answers a stream being deleted (its records already gone).
    const read = await slowClient.send(new GetRecordsCommand({ ShardIterator: iterator }));
    expect(read.NextShardIterator).toBeDefined();
  } finally {
    slowClient.destroy();
    await slow.close();
  }
});

it('the next iterator of a read answered while its stream was DELETING does not read a new stream of its name', async () => {
  const slow = await startLocalKinesis({ streamStatusDelayMs: 1500, streams: { doomed: 1 } });
  const slowClient = slow.createClient();
  try {
    const iterator = (
      await slowClient.send(
        new GetShardIteratorCommand({
          StreamName: 'doomed',
          ShardId: SHARD,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator!;
    await slowClient.send(new DeleteStreamCommand({ StreamName: 'doomed' }));
    const read = await slowClient.send(new GetRecordsCommand({ ShardIterator: iterator }));
    const next = read.NextShardIterator!;
    expect(next).toBeDefined();

    await waitFor(
      () =>
        slowClient.send(new DescribeStreamSummaryCommand({ StreamName: 'doomed' })).then(
          () => false,
          (error: unknown) => error instanceof ResourceNotFoundException,
        ),
      { timeoutMs: 30_000, message: () => 'doomed still there' },
    );
    await slow.createStream('doomed', 1);
    await slowClient.send(
      new PutRecordCommand({ StreamName: 'doomed', PartitionKey: 'k', Data: Buffer.from('new') }),
    );
    const error = await slowClient
      .send(new GetRecordsCommand({ ShardIterator: next }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  } finally {
    slowClient.destroy();
    await slow.close();
  }
});
