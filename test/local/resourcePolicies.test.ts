import {
  CreateStreamCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { untilActive } from './untilActive.js';

const ACCOUNT = '000000000000';
const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

/** A policy letting another account read a stream, as the Kinesis developer guide shows them. */
function readPolicy(resourceArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'read',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStreamSummary'],
        Resource: resourceArn,
      },
    ],
  });
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = (await call.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

/**
 * Resource-based policies (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy) of a
 * stream or a registered consumer, addressed by ARN: kept by the front (kinesalite has none),
 * refused with the AWS errors for a malformed ARN, an unknown resource or a policy that is not a
 * policy document. They are not enforced: the local endpoint has a single account.
 */
describe('local Kinesis resource policies', () => {
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      streamStatusDelayMs: 20,
      efo: { consumerStatusDelayMs: 20 },
      streams: { shared: 1, again: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('a stream without a policy has the empty policy {}', async () => {
    const got = await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('shared') }));
    expect(got.Policy).toBe('{}');
  });

  it('puts, gets (the same text) and deletes a stream policy', async () => {
    const policy = readPolicy(streamArn('shared'));
    await client.send(new PutResourcePolicyCommand({ ResourceARN: streamArn('shared'), Policy: policy }));
    const got = await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('shared') }));
    expect(got.Policy).toBe(policy);
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: streamArn('shared') }));
    const after = await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('shared') }));
    expect(after.Policy).toBe('{}');
  });

  it('keeps a consumer policy apart from its stream, and drops it with the consumer', async () => {
    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn('shared'), ConsumerName: 'reader' }),
    );
    const consumerArn = Consumer?.ConsumerARN ?? '';
    const policy = readPolicy(consumerArn);
    await client.send(new PutResourcePolicyCommand({ ResourceARN: consumerArn, Policy: policy }));
    expect((await client.send(new GetResourcePolicyCommand({ ResourceARN: consumerArn }))).Policy).toBe(
      policy,
    );
    expect(
      (await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('shared') }))).Policy,
    ).toBe('{}');
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    // DELETING for the consumer status delay, then gone, and its policy with it.
    let refused = await refusal(client.send(new GetResourcePolicyCommand({ ResourceARN: consumerArn })));
    for (let tries = 0; refused.name === 'Error' && tries < 500; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      refused = await refusal(client.send(new GetResourcePolicyCommand({ ResourceARN: consumerArn })));
    }
    expect(refused).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  it('refuses an unknown stream with ResourceNotFoundException', async () => {
    for (const call of [
      new GetResourcePolicyCommand({ ResourceARN: streamArn('missing') }),
      new PutResourcePolicyCommand({
        ResourceARN: streamArn('missing'),
        Policy: readPolicy(streamArn('missing')),
      }),
      new DeleteResourcePolicyCommand({ ResourceARN: streamArn('missing') }),
    ]) {
      expect(await refusal(client.send(call as GetResourcePolicyCommand))).toEqual({
        name: 'ResourceNotFoundException',
        message: `Stream missing under account ${ACCOUNT} not found.`,
        status: 400,
      });
    }
  });

  it('refuses a ResourceARN outside the pattern with ValidationException', async () => {
    const refused = await refusal(client.send(new GetResourcePolicyCommand({ ResourceARN: 'shared' })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain("Value 'shared' at 'resourceARN' failed to satisfy constraint");
    expect(refused.status).toBe(400);
  });

  it('refuses a policy that is not a policy document with InvalidArgumentException', async () => {
    for (const policy of [
      'not json',
      '[]',
      '{}',
      JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      JSON.stringify({ Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'kinesis:GetRecords' }] }),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kinesis:GetRecords' }] }),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*' }] }),
    ]) {
      const refused = await refusal(
        client.send(new PutResourcePolicyCommand({ ResourceARN: streamArn('shared'), Policy: policy })),
      );
      expect({ policy, name: refused.name, status: refused.status }).toEqual({
        policy,
        name: 'InvalidArgumentException',
        status: 400,
      });
    }
    expect(
      (await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('shared') }))).Policy,
    ).toBe('{}');
  });

  it('a stream deleted and created anew has no policy', async () => {
    await client.send(
      new PutResourcePolicyCommand({
        ResourceARN: streamArn('again'),
        Policy: readPolicy(streamArn('again')),
      }),
    );
    await client.send(new DeleteStreamCommand({ StreamName: 'again' }));
    // DELETING for the status delay, then gone.
    for (let tries = 0; ; tries += 1) {
      const refused = await refusal(
        client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('again') })),
      );
      if (refused.name === 'ResourceNotFoundException') break;
      if (tries > 500) throw new Error(`the stream is still there: ${refused.name}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
    await untilActive(client, 'again');
    expect(
      (await client.send(new GetResourcePolicyCommand({ ResourceARN: streamArn('again') }))).Policy,
    ).toBe('{}');
  });
});
