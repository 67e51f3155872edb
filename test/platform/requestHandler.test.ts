import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { createRequestHandler } from '../../src/platform/requestHandler.js';
import { DeadlineRequestHandler } from '../../src/kinesis/DeadlineRequestHandler.js';

// The handler the library builds for AWS itself (no endpoint): the SDK's HTTP/2 handler with a
// deadline of connectTimeout + requestTimeout, here against a plain-text HTTP/2 server.
describe('createRequestHandler() without an endpoint', () => {
  let server: Http2Server;
  let port: number;
  const sessions = new Set<ServerHttp2Session>();
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((_req, res) => {
      // Answers after a pause a deadline that passed at once would not wait for.
      setTimeout(() => res.end('{}'), 200);
    });
    server.on('session', (session: ServerHttp2Session) => sessions.add(session));
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of sessions) session.destroy();
    // A session left open (an answer whose body was not read to its end) would keep the server
    // from closing on Node 24.
    for (const socket of sockets) socket.destroy();
    await closed;
  });

  it('waits for the answer when connectTimeout + requestTimeout is past the longest timer delay', async () => {
    // Each within its bounds (1 to 2^31 - 1 ms); the sum is not, and a timer given it runs after 1 ms.
    const handler = createRequestHandler({
      endpoint: undefined,
      connectTimeout: 5_000,
      requestTimeout: 2_147_483_647,
    });
    expect(handler).toBeInstanceOf(DeadlineRequestHandler);
    const request = {
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      query: {},
      headers: {},
      body: '{}',
    } as unknown as Parameters<DeadlineRequestHandler['handle']>[0];
    try {
      const { response } = await (handler as unknown as DeadlineRequestHandler).handle(request);
      expect(response.statusCode).toBe(200);
      // Read to its end, as the SDK does: the client's session closes once its stream ended.
      for await (const chunk of response.body as AsyncIterable<unknown>) void chunk;
    } finally {
      (handler as unknown as DeadlineRequestHandler).destroy();
    }
  });
});
