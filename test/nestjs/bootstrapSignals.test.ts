// The README's bootstrap and its signals. Its flag "a signal asked for the shutdown" was set by
// listeners of SIGTERM and SIGINT of its own, registered before Nest's: a SIGTERM during start-up
// (before enableShutdownHooks()) was then swallowed, the process went on starting and ran on,
// and the other signals Nest shuts down on (SIGUSR2, SIGHUP…) during listen() had the bootstrap
// exit at once with code 1, cutting the shutdown short. The flag now listens to the signals
// enableShutdownHooks() does, from just after that call.
import { spawn, type ChildProcess } from 'node:child_process';
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

function start(env: Record<string, string>): {
  child: ChildProcess;
  lines: string[];
  exited: Promise<unknown>;
} {
  const { port } = silent.address() as AddressInfo;
  const child = spawn(process.execPath, [compiledScript(join(__dirname, 'fixtures', 'listenWorker.ts'))], {
    cwd: root,
    env: { ...process.env, STREAM: 'orders', KINESIS_ENDPOINT: `http://127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const outcome = Promise.race([
    exited,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`no exit; printed ${JSON.stringify(lines)}`)), WAIT_MS),
    ),
  ]);
  outcome.catch(() => undefined);
  return { child, lines, exited: outcome };
}

it('SIGTERM during start-up, before Nest listens to signals, ends the process as it would any program', async () => {
  const { child, lines, exited } = start({ PAUSE_BEFORE_CREATE_MS: '3000' });
  try {
    await waitFor('the start-up', () => lines.includes('starting'), WAIT_MS);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(lines).toEqual(['starting']);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

it('SIGUSR2 during listen(), a signal Nest shuts down on too: the shutdown completes, then the signal ends the process', async () => {
  const { child, lines, exited } = start({});
  try {
    await waitFor(
      'listen() to wait for the shards',
      () => lines.includes('listening') && sockets.size > 0,
      WAIT_MS,
    );
    child.kill('SIGUSR2');
    expect(await exited).toEqual({ code: null, signal: 'SIGUSR2' });
    expect(lines).toEqual(['listening', 'shutdown hook']);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
