import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

describe('local Kinesis CreateStream tags and DeleteStream with consumers, as on AWS', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // Long enough for DELETING to be seen on a loaded machine (with 50 ms the stream could be gone
    // before the next call was answered).
    local = await startLocalKinesis({ streamStatusDelayMs: 5_000, streams: { consumed: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('keeps the Tags given to CreateStream (kinesalite drops them)', async () => {
    await client.send(
      new CreateStreamCommand({ StreamName: 'tagged', ShardCount: 1, Tags: { team: 'orders' } }),
    );
    await untilActive(client, 'tagged');
    const tags = await client.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
  });

  it('refuses to delete a stream with registered consumers unless EnforceConsumerDeletion is set, worded as AWS words it', async () => {
    await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/consumed',
        ConsumerName: 'reader',
      }),
    );
    for (const enforce of [undefined, false]) {
      const error = await client
        .send(new DeleteStreamCommand({ StreamName: 'consumed', EnforceConsumerDeletion: enforce }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceInUseException);
      expect((error as Error).message).toBe(
        'DeleteStream can\u2019t delete 000000000000:consumed because there are consumers associated with ' +
          'this data stream. To delete consumed anyway, set the EnforceConsumerDeletion parameter to ' +
          'true to force the deletion of all the consumers that are associated with it.',
      );
    }
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'consumed' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    await client.send(new DeleteStreamCommand({ StreamName: 'consumed', EnforceConsumerDeletion: true }));
    const deleting = await client.send(new DescribeStreamSummaryCommand({ StreamName: 'consumed' }));
    expect(deleting.StreamDescriptionSummary?.StreamStatus).toBe('DELETING');
  });
});
