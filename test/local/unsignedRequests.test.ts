import { request } from 'node:http';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A Kinesis JSON request sent as is (unsigned unless `headers` sign it). */
function post(
  endpoint: string,
  operation: string,
  body: object | string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          ...(operation === '' ? {} : { 'X-Amz-Target': `Kinesis_20131202.${operation}` }),
          ...headers,
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
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

const SIGNED = {
  'X-Amz-Date': '20261201T000000Z',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
};

describe('local Kinesis refuses unsigned requests, as AWS does, whoever answers them', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ limits: true, streams: { guarded: 1 } });
  });

  afterAll(async () => {
    await local.close();
  });

  it.each([
    ['ListStreams', {}],
    ['ListShards', { StreamName: 'guarded' }],
    ['DescribeLimits', {}],
    ['UpdateShardCount', { StreamName: 'guarded', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }],
    ['ListStreamConsumers', { StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/guarded' }],
    ['PutRecords', { StreamName: 'guarded', Records: [{ Data: 'AA==', PartitionKey: 'k' }] }],
  ])('%s without a signature is MissingAuthenticationTokenException', async (operation, body) => {
    const answer = await post(local.endpoint, operation, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it.each([
    ['no operation', '', '{}', 'UnknownOperationException'],
    ['no body', 'ListStreams', '', 'SerializationException'],
    ['a body that is not JSON', 'ListStreams', 'not json', 'SerializationException'],
  ])(
    'an unsigned request with %s is refused for that first, as AWS does',
    async (_what, operation, body, type) => {
      const answer = await post(local.endpoint, operation, body);
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe(type);
    },
  );

  it('refuses an Authorization header without its parts', async () => {
    const answer = await post(
      local.endpoint,
      'ListShards',
      { StreamName: 'guarded' },
      {
        Authorization: 'AWS4-HMAC-SHA256',
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('IncompleteSignatureException');
  });

  it('echoes an incomplete Authorization header without its access key or signature', async () => {
    const answer = await post(
      local.endpoint,
      'ListShards',
      { StreamName: 'guarded' },
      {
        Authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDSECRETISH/20261201/us-east-1/kinesis/aws4_request, Signature=0123abcd',
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('IncompleteSignatureException');
    const message = JSON.stringify(answer.body);
    expect(message).toContain("requires 'SignedHeaders' parameter");
    expect(message).toContain('Credential=(redacted)/20261201/us-east-1/kinesis/aws4_request');
    expect(message).toContain('Signature=(redacted)');
    expect(message).not.toContain('AKIDSECRETISH');
    expect(message).not.toContain('0123abcd');
  });

  it('answers a signed request', async () => {
    const answer = await post(local.endpoint, 'ListShards', { StreamName: 'guarded' }, SIGNED);
    expect(answer.status).toBe(200);
    expect(answer.body.Shards).toHaveLength(1);
    expect(local.stats.acceptedPutEntries).toBe(0);
  });
});
