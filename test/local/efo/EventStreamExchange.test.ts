// A SubscribeToShard exchange whose client left before the exchange was made (the local Kinesis
// checks the shard and the start position asynchronously first): it must count as closed at
// once. Before, it waited for a 'close' event that had already fired, so the subscription stayed
// "open" for ever and a send() waited for a drain that never came.
import { connect, constants, createServer, type Http2Server } from 'node:http2';
import {
  createServer as createHttp1Server,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamExchange } from '../../../src/local/efo/EventStreamExchange.js';

jest.setTimeout(30_000);

/** Resolves with the server's response once the client's request reached it and the client then left. */
async function responseAfterClientLeft(
  kind: 'http1' | 'http2',
): Promise<{ res: ServerResponse; close: () => Promise<void> }> {
  let server: Server | Http2Server;
  const reached = new Promise<ServerResponse>((resolve) => {
    const onRequest = (_req: IncomingMessage, res: ServerResponse): void => resolve(res);
    server =
      kind === 'http1' ? createHttp1Server(onRequest) : (createServer(onRequest as never) as Http2Server);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server!.address() as AddressInfo;
  let leave: () => void;
  if (kind === 'http1') {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' });
    req.on('error', () => undefined);
    req.write('x');
    leave = () => req.destroy();
  } else {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: '/',
    });
    stream.on('error', () => undefined);
    stream.write('x');
    leave = () => {
      stream.close(constants.NGHTTP2_CANCEL);
      setTimeout(() => session.close(), 50);
    };
  }
  const res = await reached;
  const gone = new Promise<void>((resolve) => res.once('close', () => resolve()));
  leave();
  await gone;
  return {
    res,
    close: () =>
      new Promise<void>((resolve) => {
        (server as Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

describe('EventStreamExchange made after its client left', () => {
  it.each(['http1', 'http2'] as const)('over %s: closed at once, and send() does not wait', async (kind) => {
    const { res, close } = await responseAfterClientLeft(kind);
    try {
      const exchange = new EventStreamExchange(res, () => undefined);
      expect(exchange.isOpen).toBe(false);
      const settled = await Promise.race([
        exchange.closed.then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), 2000)),
      ]);
      expect(settled).toBe('closed');
      exchange.start();
      await exchange.send(Buffer.alloc(1024 * 1024));
    } finally {
      await close();
    }
  });
});
