// Which failed answers foreignAnswer calls "not as Kinesis answers". Kinesis itself sometimes
// answers a 503 with a body that is not JSON (`<ServiceUnavailableException/>`, as reported
// against the Go SDK) or a 5xx with no error type: such answers still carry Kinesis's request id
// (x-amzn-RequestId), which a web server or a proxy's own error page does not. They are Kinesis
// being unavailable, to be retried as such, not a wrong endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { foreignAnswer } from '../../src/cli/foreignAnswer.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

let server: Server;
let endpoint: string;
let answer: Answer;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failureOf(given: Answer): Promise<unknown> {
  answer = given;
  const client = createKinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  throw new Error('expected the call to fail');
}

const kinesisHeaders = {
  'x-amzn-requestid': 'd16bcad1-3fe9-a741-895a-307fea237b3c',
  'content-type': 'application/x-amz-json-1.1',
};

it.each<[string, Answer]>([
  [
    'a 503 whose body is not JSON',
    { status: 503, headers: kinesisHeaders, body: '<ServiceUnavailableException/>\n' },
  ],
  ['a 500 with no error type', { status: 500, headers: kinesisHeaders, body: '' }],
  [
    'a 503 with a JSON body and no error type',
    { status: 503, headers: kinesisHeaders, body: '{"message":"Slow down"}' },
  ],
])('%s with Kinesis request id is Kinesis answering', async (_name, given) => {
  expect(foreignAnswer(await failureOf(given))).toBeUndefined();
});

it.each<[string, Answer]>([
  ['an empty 404', { status: 404, headers: {}, body: '' }],
  [
    'a proxy 502 page',
    { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' },
  ],
  ['a 503 page', { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>down</html>' }],
])('%s without a Kinesis request id is something else answering', async (_name, given) => {
  expect(foreignAnswer(await failureOf(given))).toMatch(/^it answered HTTP \d+, not as Kinesis answers/);
});
