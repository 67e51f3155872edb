import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** One redis-server process on a free loopback port, in its own temporary directory. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** SHUTDOWN (flushing the AOF when it is on) and wait for the process to exit. */
  stop(): Promise<void>;
  /** Start again on the same port and directory (the AOF, if on, is reloaded). */
  start(): Promise<void>;
  /** Stop and delete the directory. */
  close(): Promise<void>;
  /** Sends a signal to the running process (SIGSTOP pauses it, SIGCONT resumes it). */
  signal(signal: NodeJS.Signals): void;
}

export interface RedisServerOptions {
  readonly appendOnly?: boolean;
  readonly cluster?: boolean;
  readonly port?: number;
  readonly dir?: string;
  /** More redis-server arguments, e.g. ['--requirepass', 'secret']. */
  readonly args?: readonly string[];
}

/** Starts redis-server from PATH. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await freePort(options.cluster === true));
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'rxjs-kinesis-redis-')));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly === true ? 'yes' : 'no',
    '--appendfsync',
    'always',
    ...(options.cluster === true
      ? ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`]
      : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const process = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          process.stdout?.off('data', onData);
          resolve();
        }
      };
      process.stdout?.on('data', onData);
      process.once('error', reject);
      process.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
  };

  const stop = async (): Promise<void> => {
    const process = child;
    child = undefined;
    if (process === undefined || process.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => process.once('exit', () => resolve()));
    process.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    start,
    stop,
    signal: (signal) => {
      child?.kill(signal);
    },
    close: async () => {
      await stop();
      if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A password-protected primary, its replica, and an admin client connected to the replica. */
export interface PrimaryAndReplica {
  readonly primary: RedisServerProcess;
  readonly replica: RedisServerProcess;
  readonly admin: Redis;
  close(): Promise<void>;
}

export async function startPrimaryAndReplica(password: string): Promise<PrimaryAndReplica> {
  const primary = await startRedisServer({ args: ['--requirepass', password] });
  const replica = await startRedisServer({
    args: [
      '--requirepass',
      password,
      '--masterauth',
      password,
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
    ],
  });
  const admin = new Redis({ port: replica.port, host: '127.0.0.1', password, lazyConnect: true });
  await admin.connect();
  return {
    primary,
    replica,
    admin,
    close: async () => {
      admin.disconnect();
      await Promise.all([replica.close(), primary.close()]);
    },
  };
}

/** A Redis Cluster of three masters (no replicas) on free ports. */
export interface RedisClusterProcess {
  readonly nodes: readonly { host: string; port: number }[];
  close(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'rxjs-kinesis-redis-cluster-'));
  const servers: RedisServerProcess[] = [];
  const close = async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i += 1) servers.push(await startRedisServer({ cluster: true, dir }));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((server) => `127.0.0.1:${server.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const server of servers) await waitFor(() => clusterOk(server.port), 30_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })), close };
}

async function clusterOk(port: number): Promise<boolean> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return stdout.includes('cluster_state:ok');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A free loopback port; for cluster nodes, one whose bus port (port + 10000) is free too. */
async function freePort(withBusPort: boolean): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = withBusPort ? 20_000 + Math.floor(Math.random() * 20_000) : 0;
    const bound = await tryBind(port);
    if (bound === undefined) continue;
    if (!withBusPort || (await tryBind(bound + 10_000)) !== undefined) return bound;
  }
  throw new Error('no free port found');
}

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
