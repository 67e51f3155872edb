// The CLI's reachability probe names what answered at the endpoint, also when its last probe before
// the deadline got no answer (a loaded machine, or a server that went silent): "no answer" would
// hide the answer already seen. A connection refused by this machine is final but for a local
// Kinesis still starting: it is given up after about a second, not at the deadline.
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { checkReachable } from '../../src/cli/checkReachable.js';

jest.setTimeout(60_000);

let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests += 1;
    request.resume();
    // The first request gets a web page; later ones are never answered.
    if (requests === 1) request.on('end', () => response.end('<html>not kinesis</html>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('names the foreign answer seen when the last probe before the deadline gets no answer', async () => {
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  try {
    // A 5 s deadline: on a loaded machine the client's first request alone can take over a second,
    // and the first probe must be answered before the deadline for a second one to be made.
    const failure = await checkReachable(client, { streamName: 'orders' }, endpoint, 5_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(requests).toBeGreaterThanOrEqual(2);
    expect((failure as Error).message).toBe(
      `cannot reach Kinesis at ${endpoint}: it answered HTTP 200, not as Kinesis answers (is it a Kinesis endpoint?)`,
    );
  } finally {
    client.destroy();
  }
});

it('gives a connection refused by this machine up after about a second, not at the deadline', async () => {
  // A loopback port nothing listens on.
  const closed = createNetServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const where = `http://127.0.0.1:${port}/`;
  const client = new KinesisClient({
    endpoint: where,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  try {
    const started = performance.now();
    // A deadline of 30 s: a refusal retried to the deadline takes all of it.
    const failure = await checkReachable(client, { streamName: 'orders' }, where, 30_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((failure as Error).message).toMatch(
      new RegExp(`^cannot reach Kinesis at ${where}: .*connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
    );
  } finally {
    client.destroy();
  }
});
