import { request, type IncomingHttpHeaders } from 'node:http';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const SIGNED = {
  'X-Amz-Date': '20261201T000000Z',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
};

/** The status and headers of a Kinesis JSON request sent as is. */
function post(
  endpoint: string,
  operation: string,
  headers: Record<string, string>,
): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `Kinesis_20131202.${operation}`,
          ...headers,
        },
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end('{}');
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Kinesis answers carry a request id (x-amzn-RequestId) and an extended request id (x-amz-id-2,
 * base64) that the SDKs surface as `$metadata.requestId` / `extendedRequestId`; kinesalite sends
 * both too. The answers the front builds itself carry them as well.
 */
describe('local Kinesis answer headers', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStatusDelayMs: 0 });
  });

  afterAll(async () => {
    await local.close();
  });

  it.each([
    ['an answer of the front (DescribeLimits)', 'DescribeLimits', SIGNED],
    ['a refusal of the front (unsigned)', 'DescribeLimits', {}],
    ['an answer of the backing store (ListStreams)', 'ListStreams', SIGNED],
  ])('%s has x-amzn-requestid and x-amz-id-2', async (_what, operation, headers) => {
    const answer = await post(local.endpoint, operation, headers);
    expect(answer['x-amzn-requestid']).toMatch(UUID);
    const extended = Buffer.from(String(answer['x-amz-id-2']), 'base64');
    expect(extended.length).toBeGreaterThanOrEqual(64);
    expect(extended.length).toBeLessThanOrEqual(80);
  });
});
