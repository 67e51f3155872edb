// Case: the relay looked for its marker in each chunk the server's socket delivered on its own, so
// a marker that two chunks shared (a read falling inside it, as a loaded machine can make happen)
// was never seen: the connection was not cut and the cut-connection suite failed for no fault of
// the library. The marker is now found across chunk boundaries, and the cut falls just after it.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CuttingRelay } from '../support/cuttingRelay.js';

let upstream: Server;
const serverSockets = new Set<Socket>();

beforeAll(async () => {
  // Answers each connection with a marker split over two writes some time apart.
  upstream = createServer((socket) => {
    serverSockets.add(socket);
    socket.on('close', () => serverSockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write('head:Subscribe');
      setTimeout(() => socket.write('ToShardEvent:rest of the message'), 200);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of serverSockets) socket.destroy();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('a marker split over two chunks is found, and the connection cut just after it', async () => {
  const { port } = upstream.address() as AddressInfo;
  const relay = new CuttingRelay(new URL(`http://127.0.0.1:${port}`));
  await relay.up();
  try {
    relay.cutAfter('SubscribeToShardEvent');
    const client = connect(relay.port, '127.0.0.1');
    const received: Buffer[] = [];
    // Ends at the cut, or once the rest of the message came through uncut.
    const ended = new Promise<void>((resolve) => {
      client.on('close', () => resolve());
      client.on('data', (chunk: Buffer) => {
        received.push(chunk);
        if (Buffer.concat(received).includes('rest')) resolve();
      });
    });
    client.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    await ended;
    client.destroy();
    expect(Buffer.concat(received).toString()).toBe('head:SubscribeToShardEvent');
    expect(relay.cuts).toBe(1);
  } finally {
    await relay.down();
  }
});
