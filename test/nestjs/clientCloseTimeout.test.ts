// KinesisClientProxy.close() (what Nest calls on app.close()) delivers the events emitted before
// it for at most closeTimeoutMs: against an endpoint that accepts connections and never answers,
// it resolves at the deadline, each pending emit() errors with ProducerAbortedError, and a warning
// says how many were given up. Before, it waited as long as delivery took (here: for ever). An
// async serializer that never gives its message does not hold close() past the deadline either.
import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { ProducerAbortedError } from '../../src/index.js';
import { KinesisClientProxy } from '../../src/nestjs/index.js';

jest.setTimeout(60_000);

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

test('close() gives up the events still undelivered at closeTimeoutMs, each emit() told', async () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const client = new KinesisClientProxy({
    streamName: 'orders',
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    closeTimeoutMs: 500,
  });
  const outcomes = [1, 2, 3].map((n) =>
    firstValueFrom(client.emit('order.created', { n })).then(
      () => 'delivered',
      (error: unknown) => error,
    ),
  );
  const started = Date.now();
  await client.close();
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(450);
  expect(took).toBeLessThan(30_000);
  for (const outcome of await Promise.all(outcomes)) expect(outcome).toBeInstanceOf(ProducerAbortedError);
  expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(
    /events still undelivered after closeTimeoutMs \(500 ms\) were given up \(3 failed/,
  );
  warn.mockRestore();
});

test('close() ends at closeTimeoutMs also when an async serializer never gives its message: that emit() fails', async () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const client = new KinesisClientProxy({
    streamName: 'orders',
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    closeTimeoutMs: 500,
    serializer: {
      serialize: (packet: { data: { n: number } }) =>
        packet.data.n === 1 ? new Promise<never>(() => undefined) : Promise.resolve(packet),
    },
  });
  const outcomes = [1, 2].map((n) =>
    firstValueFrom(client.emit('order.created', { n })).then(
      () => 'delivered',
      (error: unknown) => error,
    ),
  );
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    client.close().then(() => 'closed'),
    new Promise((resolve) => (timer = setTimeout(() => resolve('still closing'), 30_000))),
  ]);
  clearTimeout(timer);
  expect(closed).toBe('closed');
  expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  const [hung, sent] = await Promise.all(outcomes);
  expect(hung).toBeInstanceOf(ProducerAbortedError);
  expect((hung as ProducerAbortedError).items.map((entry) => entry.item)).toEqual([
    { pattern: 'order.created', data: { n: 1 } },
  ]);
  expect(sent).toBeInstanceOf(ProducerAbortedError);
  expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(
    /1 event\(s\) whose serializer had not given their message after closeTimeoutMs \(500 ms\)/,
  );
  warn.mockRestore();
});

test('closeTimeoutMs is checked when the client is made', () => {
  for (const closeTimeoutMs of [0, -1, Number.NaN, 2 ** 31]) {
    expect(() => new KinesisClientProxy({ streamName: 'orders', closeTimeoutMs })).toThrow(/closeTimeoutMs/);
  }
  expect(() => new KinesisClientProxy({ streamName: 'orders', closeTimeoutMs: Infinity })).not.toThrow();
});
