// KinesisClientProxy.close() waits for async serializers within closeTimeoutMs on the producer's
// scheduler, as the Producer's own close({ timeoutMs }) does. Before, that wait ran on the real
// clock whatever the scheduler: a test on a VirtualTimeScheduler with a serializer that never
// gave its message waited closeTimeoutMs of real time (here an hour) instead of a flush.
import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { firstValueFrom, VirtualTimeScheduler, VirtualAction } from 'rxjs';
import { ProducerAbortedError } from '../../src/index.js';
import { KinesisClientProxy } from '../../src/nestjs/index.js';

jest.setTimeout(60_000);

const CLOSE_TIMEOUT_MS = 60 * 60 * 1000;

let silent: Server;
let endpoint: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

test("close() gives up a serializer that never answers at closeTimeoutMs on the producer's scheduler", async () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const scheduler = new VirtualTimeScheduler(VirtualAction, 2 * CLOSE_TIMEOUT_MS);
  const client = new KinesisClientProxy({
    streamName: 'orders',
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    scheduler,
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
    serializer: { serialize: () => new Promise<never>(() => undefined) },
  });
  const outcome = firstValueFrom(client.emit('order.created', { n: 1 })).then(
    () => 'delivered',
    (error: unknown) => error,
  );
  let state = 'closing';
  const closing = client.close().then(() => (state = 'closed'));
  // Bounds a hang only: the close waits on virtual time, moved on by flush() below.
  const deadline = Date.now() + 30_000;
  while (state === 'closing' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    scheduler.flush();
  }
  expect(state).toBe('closed');
  await closing;
  expect(await outcome).toBeInstanceOf(ProducerAbortedError);
  expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(
    /1 event\(s\) whose serializer had not given their message after closeTimeoutMs/,
  );
  warn.mockRestore();
});
