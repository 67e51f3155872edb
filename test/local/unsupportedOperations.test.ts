import {
  DescribeAccountSettingsCommand,
  UpdateAccountSettingsCommand,
  UpdateMaxRecordSizeCommand,
  UpdateStreamWarmThroughputCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

/**
 * Operations of the Kinesis API that the local endpoint does not offer (as a Region without a
 * feature does not): refused with UnknownOperationException, HTTP 400, as AWS refuses an
 * operation it does not know, and a message naming the operation, so that a caller sees at once
 * what is missing rather than an empty error.
 */
describe('local Kinesis operations it does not offer', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { orders: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it.each([
    ['DescribeAccountSettings', () => new DescribeAccountSettingsCommand({})],
    [
      'UpdateAccountSettings',
      () => new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }),
    ],
    [
      'UpdateMaxRecordSize',
      () => new UpdateMaxRecordSizeCommand({ StreamARN: STREAM_ARN, MaxRecordSizeInKiB: 2048 }),
    ],
    [
      'UpdateStreamWarmThroughput',
      () => new UpdateStreamWarmThroughputCommand({ StreamARN: STREAM_ARN, WarmThroughputMiBps: 10 }),
    ],
  ])('%s: UnknownOperationException naming the operation', async (operation, command) => {
    const refused = await refusal(client.send(command() as DescribeAccountSettingsCommand));
    expect(refused).toEqual({
      name: 'UnknownOperationException',
      message: `${operation} is not offered by this local Kinesis endpoint.`,
      status: 400,
    });
  });

  it('an operation outside the API: UnknownOperationException too', async () => {
    const response = await fetch(`${local.endpoint}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'Kinesis_20131202.MakeCoffee',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc',
        'X-Amz-Date': '20261201T000000Z',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});
