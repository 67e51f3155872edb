// The CLI's reachability probe names what answered at the endpoint, also when its last probe before
// the deadline got no answer (a loaded machine, or a server that went silent): "no answer" would
// hide the answer already seen.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    const failure = await checkReachable(client, { streamName: 'orders' }, endpoint, 1_500).then(
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
