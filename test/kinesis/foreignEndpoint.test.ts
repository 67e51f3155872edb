// A library user whose endpoint points at something other than Kinesis (a web server, a proxy's
// error page, the wrong port) is told so, with the status it answered, instead of
// "UnknownError" or the SDK's deserializer text about a hidden `$response` field.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { firstValueFrom } from 'rxjs';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';
import { KinesisValidationError } from '../../src/kinesis/errors/KinesisValidationError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

jest.setTimeout(60_000);

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

const connection = () => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
});
const html = { 'content-type': 'text/html' };
const NOT_KINESIS =
  /^the endpoint answered HTTP (\d+)(?: with the message "[^"]*")?, not as Kinesis answers \(is it a Kinesis endpoint\?\)$/;

async function classified(given: Answer): Promise<ReturnType<typeof classifyError>> {
  answer = given;
  const client = createKinesisClient({ ...connection(), maxAttempts: 1 });
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
  } catch (error) {
    return classifyError(error);
  } finally {
    client.destroy();
  }
  throw new Error('expected the call to fail');
}

it('fromKinesis() at a web server that answers 404 pages fails with what answered', async () => {
  answer = { status: 404, headers: html, body: '<html><body>Not Found</body></html>' };
  const error: unknown = await firstValueFrom(fromKinesis({ streamName: 'orders', ...connection() })).catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KinesisValidationError);
  expect((error as Error).message).toMatch(NOT_KINESIS);
  expect((error as Error).message).toContain('HTTP 404');
});

it('a Producer at a web server that answers every path with a page fails with what answered', async () => {
  answer = { status: 200, headers: html, body: '<html><body>Welcome</body></html>' };
  const producer = new Producer({ streamName: 'orders', ...connection(), retryLimit: 0 });
  try {
    const error: unknown = await producer.send({ order: 1 }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe(
      'Item #0 could not be delivered: the endpoint answered HTTP 200, not as Kinesis answers (is it a Kinesis endpoint?)',
    );
    expect((error as Error).message).not.toMatch(/\$response|Deserialization error/);
  } finally {
    await producer.close().catch(() => undefined);
  }
});

it.each<[string, Answer, string]>([
  ['an empty 404', { status: 404, headers: {}, body: '' }, 'HTTP 404,'],
  [
    'a JSON 403 without an error type',
    { status: 403, headers: {}, body: '{"message":"Forbidden"}' },
    'HTTP 403 with the message "Forbidden",',
  ],
  ['a proxy 502 page', { status: 502, headers: html, body: '<html>Bad gateway</html>' }, 'HTTP 502,'],
])('%s is named as not Kinesis, its kind by status', async (_name, given, said) => {
  const error = await classified(given);
  expect(error.message).toMatch(NOT_KINESIS);
  expect(error.message).toContain(said);
  if (given.status === 502) expect(error).toBeInstanceOf(KinesisServiceError);
  expect(error.retriable).toBe(given.status >= 500);
});

it('an answer with Kinesis request id keeps Kinesis wording, even when its body is not JSON', async () => {
  const error = await classified({
    status: 503,
    headers: { 'x-amzn-requestid': 'd16bcad1-3fe9-a741-895a-307fea237b3c' },
    body: '<ServiceUnavailableException/>\n',
  });
  expect(error).toBeInstanceOf(KinesisServiceError);
  expect(error.retriable).toBe(true);
  expect(error.message).not.toMatch(NOT_KINESIS);
});

it('quotes a long JSON message in part only, its secrets hidden before it is cut', async () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const message = `${'denied '.repeat(24)}aws_secret_access_key=${secret} ${'x'.repeat(20_000)}`;
  const error = await classified({ status: 403, headers: {}, body: JSON.stringify({ message }) });
  expect(error.message).toMatch(NOT_KINESIS);
  expect(error.message.length).toBeLessThan(400);
  expect(error.message).toContain('with the message "denied denied');
  expect(error.message).toContain('…"');
  expect(error.message).not.toContain(secret.slice(0, 8));
});

it('hides an access key id that a foreign JSON message quotes in prose', async () => {
  const message = 'Request signed with AKIAIOSFODNN7EXAMPLE is not allowed through this proxy';
  const error = await classified({ status: 403, headers: {}, body: JSON.stringify({ message }) });
  expect(error.message).toMatch(NOT_KINESIS);
  expect(error.message).toContain('with the message "Request signed with [redacted] is not allowed');
  expect(error.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  expect(String(error.stack)).not.toContain('AKIAIOSFODNN7EXAMPLE');
});
