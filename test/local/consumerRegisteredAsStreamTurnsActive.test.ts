// A stream consumer registered the moment a new stream turns ACTIVE stays registered. The embedded
// Kinesis learns that a stream it created has settled by polling the backing store; a consumer
// registered before that poll saw the stream ACTIVE used to be forgotten with the CREATING
// stream's state (DescribeStreamConsumer: not found, for good), which a loaded machine made
// likely for a consumer started together with its stream.
import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

describe('RegisterStreamConsumer as a created stream turns ACTIVE', () => {
  let local: LocalKinesis | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('keeps the consumer registered by the first call the stream accepts', async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 500, efo: { consumerStatusDelayMs: 0 } });
    const client = local.createClient();
    const streamName = uniqueStreamName('registerAtActive');
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const streamArn = summary.StreamDescriptionSummary?.StreamARN;
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('CREATING');
    // Refused (ResourceInUseException) while CREATING: call again at once, so that the first
    // accepted call comes as early after the change as a call can.
    let consumerArn: string | undefined;
    for (let refusals = 0; consumerArn === undefined; refusals += 1) {
      try {
        const output = await client.send(
          new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' }),
        );
        consumerArn = output.Consumer?.ConsumerARN;
      } catch (error) {
        expect((error as Error).name).toBe('ResourceInUseException');
        expect(refusals).toBeLessThan(10_000);
      }
    }
    // Long enough for the embedded Kinesis to have seen the stream settle many times over.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const described = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
    expect(described.ConsumerDescription).toMatchObject({ ConsumerName: 'app', ConsumerStatus: 'ACTIVE' });
    client.destroy();
  });
});
