// Redis for tests: REDIS_URL if set; else a redis-server binary on PATH on a free loopback port;
// else testcontainers (when installed and a Docker engine answers); else a clear error.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TestRedis {
  /** `redis://host:port` */
  readonly url: string;
  /** Stops the Redis this harness started; a no-op for REDIS_URL. */
  close(): Promise<void>;
}

export interface TestRedisOptions {
  /** Start redis-server with the append-only file on (`--appendonly yes --appendfsync always`). */
  readonly appendOnly?: boolean;
}

const START_TIMEOUT_MS = 30_000;
const HOW_TO_GET_REDIS =
  'No Redis available for tests: set REDIS_URL=redis://host:port, or install a redis-server binary ' +
  '(e.g. `apt-get install redis-server`), or install testcontainers with a running Docker engine.';

/** A key prefix no other test uses, e.g. `test:lq3k8x:1f2e3d4c:`. */
export function uniqueKeyPrefix(prefix = 'test'): string {
  return `${prefix}:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}:`;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '') return { url: external, close: async () => undefined };

  const binary = findOnPath('redis-server');
  if (binary !== undefined) return startRedisServer(binary, options);

  const container = await startRedisContainer();
  if (container !== undefined) return container;

  throw new Error(HOW_TO_GET_REDIS);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True once a Redis at host:port answers PING with +PONG over a raw socket. */
export function pingRedis(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answer = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
  });
}

async function startRedisServer(binary: string, options: TestRedisOptions): Promise<TestRedis> {
  let lastError: unknown;
  // A free port may be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'rxjs-kinesis-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push(
      ...(options.appendOnly === true
        ? ['--appendonly', 'yes', '--appendfsync', 'always']
        : ['--appendonly', 'no']),
    );
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    void spawnFailed.then((error) => {
      running = false;
      stderr += String(error);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    let ready = false;
    while (running && Date.now() < deadline) {
      if (await pingRedis('127.0.0.1', port, 500)) {
        ready = true;
        break;
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 25)), spawnFailed]);
    }
    if (ready) {
      return { url: `redis://127.0.0.1:${port}`, close: () => stopRedisServer(child, exited, dir) };
    }
    await stopRedisServer(child, exited, dir);
    lastError = new Error(
      `redis-server on port ${port} did not answer PING: ${stderr.trim() || 'no output'}`,
    );
  }
  throw lastError;
}

async function stopRedisServer(
  child: ChildProcess,
  exited: Promise<number | null>,
  dir: string,
): Promise<void> {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Whether a Docker engine answers GET /_ping (DOCKER_HOST, else the default unix socket). */
function dockerAnswers(): Promise<boolean> {
  const dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target = dockerHost.startsWith('unix://')
    ? { socketPath: dockerHost.slice('unix://'.length), path: '/_ping' }
    : (() => {
        const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
        return { host: url.hostname, port: Number(url.port || 2375), path: '/_ping' };
      })();
  return new Promise((resolve) => {
    const request = httpGet({ ...target, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** Starts redis in a container with testcontainers, if that package is installed and Docker answers. */
async function startRedisContainer(): Promise<TestRedis | undefined> {
  let module: unknown;
  try {
    const name = 'testcontainers';
    module = await import(name);
  } catch {
    return undefined;
  }
  if (!(await dockerAnswers())) return undefined;
  const GenericContainer = isRecord(module) ? module.GenericContainer : undefined;
  if (typeof GenericContainer !== 'function') return undefined;
  const definition: unknown = new (GenericContainer as new (image: string) => unknown)('redis:7-alpine');
  if (!isRecord(definition) || typeof definition.withExposedPorts !== 'function') return undefined;
  const withPorts: unknown = (definition.withExposedPorts as (port: number) => unknown).call(
    definition,
    6379,
  );
  if (!isRecord(withPorts) || typeof withPorts.start !== 'function') return undefined;
  const started: unknown = await (withPorts.start as () => Promise<unknown>).call(withPorts);
  if (
    !isRecord(started) ||
    typeof started.getHost !== 'function' ||
    typeof started.getMappedPort !== 'function' ||
    typeof started.stop !== 'function'
  ) {
    return undefined;
  }
  const host = (started.getHost as () => string).call(started);
  const port = (started.getMappedPort as (port: number) => number).call(started, 6379);
  const stop = started.stop as () => Promise<unknown>;
  return {
    url: `redis://${host}:${port}`,
    close: async () => {
      await stop.call(started);
    },
  };
}
