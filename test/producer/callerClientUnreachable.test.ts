// A producer given a client of the caller's own that cannot reach Kinesis: its error said "Kinesis
// at the default AWS endpoint could not be reached", though that client was built for another one
// (a local Kinesis, say). The producer does not know the endpoint of a client it was given; it
// says so now.
import { createServer, type Server } from 'node:net';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';

// Only bounds a hang.
jest.setTimeout(60_000);

let closed: Server;
let port: number;
beforeAll(async () => {
  // A port nobody listens on: a server opened and closed again.
  closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

it("names the caller's client, not the default AWS endpoint, when it cannot reach Kinesis", async () => {
  const client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 200, requestTimeout: 500 }),
  });
  const producer = new Producer<string>({
    streamName: 'unreachable',
    client,
    connectionFailureTimeout: 500,
    bufferTime: 10,
  });
  try {
    const error = await producer.send('item').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    const cause = (error as DeliveryFailedError).cause;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect((cause as Error).message).toMatch(
      /^Kinesis at the endpoint of the client given could not be reached/,
    );
  } finally {
    await producer.close().catch(() => undefined);
    client.destroy();
  }
});
