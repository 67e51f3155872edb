// An endpoint that accepts connections and never answers (a wrong port behind a firewall, a
// hung proxy) is named within seconds, as a refused one is: not after the client's 30 s request
// timeout. And demo and bench against an endpoint they cannot reach say where, as put and tail do.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { linesOf, runCli } from '../runCli.js';

jest.setTimeout(180_000);

const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

let silent: Server;
const sockets = new Set<Socket>();
let port: number;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

function failureLines(stderr: string): string[] {
  return linesOf(stderr).filter((line) => line.startsWith('rxjs-kinesis:'));
}

// Each case waits out the command's own 5 s deadline: the cases of a block run at the same time.
describe('rxjs-kinesis and an endpoint that never answers', () => {
  it.concurrent.each([
    ['tail', ['tail', 'orders']],
    ['put', ['put', 'orders']],
    ['demo', ['demo', '-n', '10']],
    ['bench', ['bench', '-n', '10', '-p', 'json']],
  ])(
    '%s exits with status 1 naming the endpoint and "no answer", before the 30 s request timeout',
    async (_name, args) => {
      const started = Date.now();
      const result = await runCli([...args, '--endpoint', `http://user:hunter2@127.0.0.1:${port}`], {
        env,
        input: '{"a":1}\n',
        timeoutMs: 120_000,
      });
      // The message says the probe gave up at its 5 s deadline (before: the client's 30 s request
      // timeout, three times over for demo); the bound only catches a hang, with room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(result.code).toBe(1);
      expect(failureLines(result.stderr)).toEqual([
        `rxjs-kinesis: cannot reach Kinesis at http://127.0.0.1:${port}/: no answer within 5 s`,
      ]);
      expect(result.stderr + result.stdout).not.toContain('hunter2');
    },
  );
});

describe('rxjs-kinesis and an endpoint nothing listens on', () => {
  it.concurrent.each([
    ['demo', ['demo', '-n', '10']],
    ['bench', ['bench', '-n', '10', '-p', 'json']],
  ])(
    '%s exits with status 1 and one line naming the endpoint and the cause, within seconds',
    async (_name, args) => {
      const free = await closedPort();
      const started = Date.now();
      const result = await runCli([...args, '--endpoint', `http://127.0.0.1:${free}`], {
        env,
        timeoutMs: 120_000,
      });
      // Retried for 5 s (bench used to retry its CreateStream for ~20 s and print the bare cause).
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(result.code).toBe(1);
      expect(failureLines(result.stderr)).toEqual([
        `rxjs-kinesis: cannot reach Kinesis at http://127.0.0.1:${free}/: connect ECONNREFUSED 127.0.0.1:${free}`,
      ]);
    },
  );
});
