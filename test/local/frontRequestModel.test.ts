import { request } from 'node:http';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A signed-looking Kinesis JSON request, sent with exactly the members given. */
function post(endpoint: string, operation: string, body: object): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `Kinesis_20131202.${operation}`,
          'X-Amz-Date': '20261201T000000Z',
          Authorization:
            'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        },
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/';
const notNull = (member: string): string =>
  `Value null at '${member}' failed to satisfy constraint: Member must not be null`;

/** The ValidationException listing `violations`, as Kinesis counts and joins them. */
function validation(...violations: string[]): RawAnswer {
  const counted =
    violations.length === 1
      ? '1 validation error detected: '
      : `${violations.length} validation errors detected: `;
  return { status: 400, body: { __type: 'ValidationException', message: counted + violations.join('; ') } };
}

/**
 * The operations the front answers itself (kinesalite has none of them) check requests against
 * the API model as Kinesis does: every member that fails in one ValidationException, a missing
 * member as `Value null ... Member must not be null`, and before any stream or consumer is
 * looked up.
 */
describe('local Kinesis: the model check of the operations the front answers', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0, streams: { modelled: 1 } });
  });

  afterAll(async () => {
    await local.close();
  });

  it('UpdateShardCount lists every missing member, ScalingType as null', async () => {
    // StreamName is optional in the model (a stream may be named by StreamARN): not listed.
    expect(await post(local.endpoint, 'UpdateShardCount', {})).toEqual(
      validation(notNull('scalingType'), notNull('targetShardCount')),
    );
    expect(
      await post(local.endpoint, 'UpdateShardCount', { StreamName: 'modelled', TargetShardCount: 2 }),
    ).toEqual(validation(notNull('scalingType')));
  });

  it('UpdateShardCount lists a bad ScalingType, StreamName and TargetShardCount together', async () => {
    expect(
      await post(local.endpoint, 'UpdateShardCount', {
        StreamName: '',
        ScalingType: '',
        TargetShardCount: 0,
      }),
    ).toEqual(
      validation(
        "Value '' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    );
  });

  it('SubscribeToShard lists every missing member, StartingPosition.Type as null', async () => {
    expect(await post(local.endpoint, 'SubscribeToShard', {})).toEqual(
      validation(notNull('consumerARN'), notNull('shardId'), notNull('startingPosition')),
    );
    expect(
      await post(local.endpoint, 'SubscribeToShard', {
        ConsumerARN: `${ARN}modelled/consumer/c:1`,
        ShardId: 'shardId-000000000000',
        StartingPosition: {},
      }),
    ).toEqual(validation(notNull('startingPosition.type')));
  });

  it('RegisterStreamConsumer checks both members before looking the stream up', async () => {
    expect(await post(local.endpoint, 'RegisterStreamConsumer', {})).toEqual(
      validation(notNull('streamARN'), notNull('consumerName')),
    );
    expect(
      await post(local.endpoint, 'RegisterStreamConsumer', {
        StreamARN: `${ARN}missing`,
        ConsumerName: 'a'.repeat(129),
      }),
    ).toEqual(
      validation(
        `Value '${'a'.repeat(129)}' at 'consumerName' failed to satisfy constraint: Member must have length less than or equal to 128`,
      ),
    );
  });

  it('UpdateStreamMode lists both missing members', async () => {
    expect(await post(local.endpoint, 'UpdateStreamMode', {})).toEqual(
      validation(notNull('streamARN'), notNull('streamModeDetails')),
    );
    expect(
      await post(local.endpoint, 'UpdateStreamMode', { StreamModeDetails: { StreamMode: 'SOMETIMES' } }),
    ).toEqual(
      validation(
        notNull('streamARN'),
        "Value 'SOMETIMES' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]",
      ),
    );
  });
  it('TagResource and UntagResource list a missing ResourceARN with the tags', async () => {
    expect(await post(local.endpoint, 'TagResource', {})).toEqual(
      validation(notNull('resourceARN'), notNull('tags')),
    );
    expect(await post(local.endpoint, 'UntagResource', {})).toEqual(
      validation(notNull('resourceARN'), notNull('tagKeys')),
    );
  });

  it('PutResourcePolicy lists a missing ResourceARN with a missing Policy', async () => {
    expect(await post(local.endpoint, 'PutResourcePolicy', {})).toEqual(
      validation(notNull('resourceARN'), notNull('policy')),
    );
  });
  it('ListStreamConsumers and DescribeStreamConsumer list every broken member', async () => {
    expect(await post(local.endpoint, 'ListStreamConsumers', { MaxResults: 0 })).toEqual(
      validation(
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
        notNull('streamARN'),
      ),
    );
    expect(
      await post(local.endpoint, 'DescribeStreamConsumer', { StreamARN: 'bad', ConsumerName: '' }),
    ).toEqual(
      validation(
        "Value 'bad' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
        "Value '' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        "Value '' at 'consumerName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
  });
  it('ListStreams refuses an empty NextToken for its length, with a bad Limit', async () => {
    const tooShort =
      "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1";
    expect(await post(local.endpoint, 'ListStreams', { NextToken: '' })).toEqual(validation(tooShort));
    expect(await post(local.endpoint, 'ListStreams', { Limit: 0, NextToken: '' })).toEqual(
      validation(
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
        tooShort,
      ),
    );
  });
  it('ListStreamConsumers refuses an empty NextToken for its length (not as an unknown token), with the others', async () => {
    const tooShort =
      "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1";
    expect(
      await post(local.endpoint, 'ListStreamConsumers', { StreamARN: `${ARN}modelled`, NextToken: '' }),
    ).toEqual(validation(tooShort));
    expect(await post(local.endpoint, 'ListStreamConsumers', { MaxResults: 0, NextToken: '' })).toEqual(
      validation(
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
        tooShort,
        notNull('streamARN'),
      ),
    );
  });
});
