// ListShards' (and ListStreamConsumers') StreamCreationTimestamp names the stream of that name
// created at that time, and a NextToken names the stream it was handed out for: neither lists a
// stream created again under the same name. Both were ignored, so they listed whatever stream had
// the name.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  ListStreamConsumersCommand,
  RegisterStreamConsumerCommand,
  ResourceNotFoundException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { waitFor } from '../support/streamRecords.js';
import { untilActive } from './untilActive.js';

jest.setTimeout(60_000);

let local: LocalKinesis;
let client: KinesisClient;
beforeAll(async () => {
  local = await startLocalKinesis({ streamStatusDelayMs: 50, streams: { dated: 3 } });
  client = local.createClient();
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

async function createdAt(streamName: string): Promise<Date> {
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  return summary.StreamDescriptionSummary!.StreamCreationTimestamp!;
}

it('lists the stream created at StreamCreationTimestamp, and no other of its name', async () => {
  const created = await createdAt('dated');
  const listed = await client.send(
    new ListShardsCommand({ StreamName: 'dated', StreamCreationTimestamp: created }),
  );
  expect(listed.Shards).toHaveLength(3);
  const other = await client
    .send(
      new ListShardsCommand({
        StreamName: 'dated',
        StreamCreationTimestamp: new Date(created.getTime() - 60_000),
      }),
    )
    .catch((error: unknown) => error);
  expect(other).toBeInstanceOf(ResourceNotFoundException);
  expect((other as Error).message).toBe('Stream dated under account 000000000000 not found.');
});

it('pages with a NextToken only the stream it was handed out for', async () => {
  await client.send(new CreateStreamCommand({ StreamName: 'paged-again', ShardCount: 3 }));
  await untilActive(client, 'paged-again');
  const first = await client.send(new ListShardsCommand({ StreamName: 'paged-again', MaxResults: 1 }));
  expect(first.NextToken).toBeDefined();
  // Still the same stream: the token pages on.
  const second = await client.send(new ListShardsCommand({ NextToken: first.NextToken, MaxResults: 1 }));
  expect(second.Shards?.map((shard) => shard.ShardId)).toEqual(['shardId-000000000001']);

  const before = await createdAt('paged-again');
  await client.send(new DeleteStreamCommand({ StreamName: 'paged-again' }));
  await waitFor(
    () =>
      client.send(new DescribeStreamSummaryCommand({ StreamName: 'paged-again' })).then(
        () => false,
        (error: unknown) => error instanceof ResourceNotFoundException,
      ),
    { timeoutMs: 30_000, message: () => 'paged-again still there' },
  );
  // A new stream of the name, created in a later second than the first.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await client.send(new CreateStreamCommand({ StreamName: 'paged-again', ShardCount: 3 }));
  await untilActive(client, 'paged-again');
  expect((await createdAt('paged-again')).getTime()).toBeGreaterThan(before.getTime());
  await expect(
    client.send(new ListShardsCommand({ NextToken: first.NextToken, MaxResults: 1 })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
  await expect(
    client.send(new ListShardsCommand({ StreamName: 'paged-again', StreamCreationTimestamp: before })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
});

it('lists the consumers of the stream created at StreamCreationTimestamp only', async () => {
  const created = await createdAt('dated');
  const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/dated';
  await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'counted' }));
  const listed = await client.send(
    new ListStreamConsumersCommand({ StreamARN: streamArn, StreamCreationTimestamp: created }),
  );
  expect(listed.Consumers?.map((consumer) => consumer.ConsumerName)).toEqual(['counted']);
  const other = await client
    .send(
      new ListStreamConsumersCommand({
        StreamARN: streamArn,
        StreamCreationTimestamp: new Date(created.getTime() - 60_000),
      }),
    )
    .catch((error: unknown) => error);
  expect(other).toBeInstanceOf(ResourceNotFoundException);
  expect((other as Error).message).toBe('Stream dated under account 000000000000 not found.');
});
