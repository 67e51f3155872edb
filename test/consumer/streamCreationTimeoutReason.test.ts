// The consumer's warning that it cannot read the stream's creation time says what happened to its
// DescribeStreamSummary. With the consumer's own client, a question nobody answers fails at the
// client's requestTimeout (5000 ms here: the calls answered through the proxy must fit in it on a
// loaded machine); the warning said "got no answer within 6000 ms", the library's backstop
// deadline (connectTimeout + requestTimeout), which never came into play.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { resolveConsumerOptions } from '../../src/consumer/resolveConsumerOptions.js';
import { ShardListingCalls } from '../../src/consumer/ShardListingCalls.js';
import { forwardHttpRequest } from '../support/forwardHttpRequest.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let proxy: Server;
let endpoint: string;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
  const upstream = new URL(kinesis.endpoint);
  // Forwards every call but DescribeStreamSummary, which it takes and never answers.
  proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (String(incoming.headers['x-amz-target'] ?? '').endsWith('.DescribeStreamSummary')) return;
      forwardHttpRequest(upstream, incoming, Buffer.concat(chunks)).then(
        (answer) => {
          outgoing.writeHead(answer.status, answer.headers);
          outgoing.end(answer.body);
        },
        () => outgoing.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await kinesis.close();
});

test('a question timed out by the client names the client timeout, not the longer deadline', async () => {
  const streamName = uniqueStreamName('creationTimeout');
  await kinesis.createStream(streamName, 1);
  const warnings: Array<Record<string, unknown>> = [];
  const ignore = () => undefined;
  const logger = {
    debug: ignore,
    warn: (_line: string, details?: unknown) => void warnings.push(details as Record<string, unknown>),
    error: ignore,
  };
  const connection = {
    endpoint,
    region: kinesis.region,
    credentials: { ...kinesis.credentials },
    requestTimeout: 5_000,
    connectTimeout: 1_000,
  };
  const client = createKinesisClient(connection);
  const calls = new ShardListingCalls(
    client,
    resolveConsumerOptions({ streamName, ...connection, retryLimit: 0, logger }),
  );
  try {
    expect(await calls.list()).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    const reason = String(warnings[0]!.reason);
    expect(reason).not.toContain('6000 ms');
    expect(reason).toBe(
      'DescribeStreamSummary timed out in the client (requestTimeout 5000 ms, connectTimeout 1000 ms)',
    );
  } finally {
    await calls.stop();
    client.destroy();
  }
});
