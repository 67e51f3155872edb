// SIGTERM to a Nest microservice started as the README shows (enableShutdownHooks(), then
// listen()) while listen() still waits for the stream's shards: Nest's shutdown runs to its end
// (onApplicationShutdown included) and ends the process with the signal, instead of the
// bootstrap's failure handler exiting at once when listen() rejects.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { compiledScript } from '../support/compiledScript.js';
import { waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;
const root = join(__dirname, '..', '..');

/** A Kinesis endpoint that accepts connections and never answers: listen() waits. */
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

it('SIGTERM during listen(): the shutdown completes (onApplicationShutdown runs), then the signal ends the process', async () => {
  const { port } = silent.address() as AddressInfo;
  const child = spawn(process.execPath, [compiledScript(join(__dirname, 'fixtures', 'listenWorker.ts'))], {
    cwd: root,
    env: { ...process.env, STREAM: 'orders', KINESIS_ENDPOINT: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await waitFor(
      'listen() to wait for the shards',
      () => lines.includes('listening') && sockets.size > 0,
      WAIT_MS,
    );
    child.kill('SIGTERM');
    const outcome = await Promise.race([
      exited,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`no exit; printed ${JSON.stringify(lines)}`)), WAIT_MS),
      ),
    ]);

    expect(lines).toEqual(['listening', 'shutdown hook']);
    expect(outcome).toEqual({ code: null, signal: 'SIGTERM' });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
