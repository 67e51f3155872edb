import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { CheckpointerClosedError } from '../../../src/checkpointers/errors/CheckpointerClosedError.js';
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { activeResources, extraResources } from '../../support/activeResources.js';
import { uniqueKeyPrefix } from '../../support/redis.js';
import { startRedisServer, type RedisServerProcess } from './redisServers.js';

const PASSWORD = `ff-pw-${randomUUID()}`;
const SHARD = 'shardId-000000000000';
const SESSION_TIMEOUT_MS = 20_000;

let server: RedisServerProcess;
const opened: RedisCheckpointer[] = [];

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: true, args: ['--requirepass', PASSWORD] });
});

afterAll(async () => {
  await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  await server.close();
});

function checkpointer(options: { callTimeout?: number; keyPrefix?: string } = {}): RedisCheckpointer {
  const cp = new RedisCheckpointer({
    redis: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
    name: 'fail-fast',
    keyPrefix: uniqueKeyPrefix(),
    sessionTimeout: SESSION_TIMEOUT_MS,
    ...options,
  });
  opened.push(cp);
  return cp;
}

async function failure(call: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - started };
}

function shown(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: Infinity })}\n${JSON.stringify(error)}`;
}

describe('RedisCheckpointer while Redis is unreachable', () => {
  it('fails a lease call fast with a retriable error naming the refused address, and recovers at once', async () => {
    const cp = checkpointer();
    const stream = `stream-${randomUUID()}`;
    const lease = (await cp.acquireLease(stream, SHARD, 'worker-a'))!;
    await server.stop();
    let elapsed: number;
    try {
      const { error, elapsedMs } = await failure(cp.renewLease(lease));
      elapsed = elapsedMs;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      const unavailable = error as RedisUnavailableError;
      expect(unavailable.retriable).toBe(true);
      expect(unavailable.operation).toBe('renewLease');
      expect(unavailable.context).toEqual({ streamName: stream, shardId: SHARD });
      const refused = new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${server.port}`);
      expect(unavailable.message).toMatch(refused);
      expect((unavailable.cause as Error).message).toMatch(refused);
      expect(shown(error)).not.toContain(PASSWORD);
    } finally {
      await server.start();
    }
    // The default retry's back-off alone (about 2.5 s at most), no waiting on reconnections:
    // well under the session timeout, so the lease deadline is judged on time.
    expect(elapsed).toBeLessThan(SESSION_TIMEOUT_MS / 4);
    // The first call after Redis is back reconnects and succeeds.
    await expect(cp.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
  }, 30_000);

  it('close() ends a call waiting between its retries at once, leaving no back-off timer behind', async () => {
    const port = await closedPort();
    const baseline = activeResources();
    const cp = new RedisCheckpointer({
      redis: `redis://:${PASSWORD}@127.0.0.1:${port}`,
      name: 'fail-fast',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: SESSION_TIMEOUT_MS,
      // Waits of several seconds between attempts, all within callTimeout (10 s).
      retry: { baseMs: 4000, capMs: 8000, retryLimit: 6, random: () => 0.99 },
    });
    const call = failure(cp.heartbeat(`stream-${randomUUID()}`, 'worker-a'));
    // The first attempt is refused at once; the call now waits for its second.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = Date.now();
    await cp.close();

    // Well short of the ~4 s back-off, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await call).error).toBeInstanceOf(CheckpointerClosedError);
    expect(extraResources(baseline).filter((kind) => kind.startsWith('Timeout'))).toEqual([]);
  }, 30_000);

  it('close() while the connection is still being made leaves no timer or socket of it behind', async () => {
    // A server that accepts connections and never answers: the connection stays in its
    // handshake (AUTH unanswered), as a slow connection does on a loaded machine.
    const accepted: Socket[] = [];
    let acceptedOne!: () => void;
    const connected = new Promise<void>((resolve) => (acceptedOne = resolve));
    const silent = createServer((socket) => {
      socket.on('error', () => undefined);
      accepted.push(socket);
      acceptedOne();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const baseline = activeResources();
      const cp = new RedisCheckpointer({
        redis: `redis://:${PASSWORD}@127.0.0.1:${port}`,
        name: 'fail-fast',
        keyPrefix: uniqueKeyPrefix(),
        sessionTimeout: SESSION_TIMEOUT_MS,
      });
      const call = failure(cp.heartbeat(`stream-${randomUUID()}`, 'worker-a'));
      await connected;

      await cp.close();

      expect((await call).error).toBeInstanceOf(CheckpointerClosedError);
      // Only the server's end of the connection is left (closed below).
      expect(extraResources(baseline)).toEqual(['TCPSocketWrap +1']);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  it('gives up on a paused Redis after callTimeout', async () => {
    const cp = checkpointer({ callTimeout: 1000 });
    const stream = `stream-${randomUUID()}`;
    const lease = (await cp.acquireLease(stream, SHARD, 'worker-a'))!;
    server.signal('SIGSTOP');
    let result: { error: unknown; elapsedMs: number };
    try {
      result = await failure(cp.renewLease(lease));
    } finally {
      server.signal('SIGCONT');
    }
    expect(result.error).toBeInstanceOf(RedisUnavailableError);
    expect((result.error as Error).message).toMatch(/no reply from Redis within 1000 ms/);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(result.elapsedMs).toBeLessThan(SESSION_TIMEOUT_MS / 4);
    await expect(cp.renewLease(lease)).resolves.toMatchObject({ token: lease.token });
  }, 30_000);

  it('close() of a connection in use leaves no socket or timer of it behind', async () => {
    const baseline = activeResources();
    const cp = new RedisCheckpointer({
      redis: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
      name: 'fail-fast',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: SESSION_TIMEOUT_MS,
    });
    await cp.heartbeat(`stream-${randomUUID()}`, 'worker-a');

    await cp.close();

    expect(extraResources(baseline)).toEqual([]);
  }, 30_000);

  it('a clock stepped back during a call does not stretch it past callTimeout', async () => {
    let stepBackMs = 0;
    let restarted = false;
    const cp = new RedisCheckpointer({
      redis: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
      name: 'fail-fast',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: SESSION_TIMEOUT_MS,
      callTimeout: 1000,
      now: () => Date.now() - stepBackMs,
      // Between the first attempt (refused: Redis is down) and the second, Redis comes back
      // paused (its connections get no answer) and the clock is stepped back an hour.
      sleep: async (ms) => {
        if (!restarted) {
          restarted = true;
          await server.start();
          server.signal('SIGSTOP');
          stepBackMs = 3_600_000;
        }
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    opened.push(cp);
    await server.stop();
    let result: { error: unknown; elapsedMs: number };
    try {
      result = await failure(cp.heartbeat(`stream-${randomUUID()}`, 'worker-a'));
    } finally {
      if (restarted) server.signal('SIGCONT');
      else await server.start();
    }
    expect(restarted).toBe(true);
    expect(result.error).toBeInstanceOf(RedisUnavailableError);
    // callTimeout (1 s) and the restart; not attempt after attempt each waiting out the
    // connection's handshake limit, as when an hour more was left to the call.
    expect(result.elapsedMs).toBeLessThan(5000);
  }, 60_000);

  it('an acquisition that got no answer from a paused Redis but ran once it resumed: the next one by the same owner gets that lease, for a whole session', async () => {
    const keyPrefix = uniqueKeyPrefix();
    const cp = checkpointer({ callTimeout: 1000, keyPrefix });
    const stream = `stream-${randomUUID()}`;
    const other = 'shardId-000000000001';
    // Scripts loaded, as in any running group: a paused Redis runs the call it received later.
    await cp.acquireLease(stream, other, 'worker-a');
    server.signal('SIGSTOP');
    let result: { error: unknown; elapsedMs: number };
    try {
      result = await failure(cp.acquireLease(stream, SHARD, 'worker-a'));
    } finally {
      server.signal('SIGCONT');
    }
    expect(result.error).toBeInstanceOf(RedisUnavailableError);
    // Once resumed, Redis ran the acquisition: the lease is held under a token nobody was given.
    let held: string | undefined;
    for (let i = 0; i < 250 && held === undefined; i += 1) {
      held = (await cp.listLeases(stream)).find((lease) => lease.shardId === SHARD)?.owner;
      if (held === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(held).toBe('worker-a');

    // Another worker cannot have it; the owner that asked gets it back at once (it was refused
    // until the lease ran out, a whole session with the shard unread).
    expect(await checkpointer({ keyPrefix }).acquireLease(stream, SHARD, 'worker-b')).toBeUndefined();
    const sentAt = Date.now();
    const lease = await cp.acquireLease(stream, SHARD, 'worker-a');
    expect(lease).toMatchObject({ streamName: stream, shardId: SHARD, owner: 'worker-a' });
    // Renewed by this call: the lease lasts a session from it (the consumer counts its deadline
    // from the time it sent the call), not from the time the paused call ran.
    expect(lease!.expiresAt).toBeGreaterThanOrEqual(sentAt + SESSION_TIMEOUT_MS - 20);
    await expect(cp.checkpoint(lease!, { sequenceNumber: '7' })).resolves.toBe(true);
    // A second instance with the same owner id still gets nothing.
    expect(await checkpointer({ keyPrefix }).acquireLease(stream, SHARD, 'worker-a')).toBeUndefined();
  }, 30_000);

  it('closes within callTimeout while Redis is paused, dropping the connection', async () => {
    const cp = checkpointer({ callTimeout: 1000 });
    await cp.heartbeat(`stream-${randomUUID()}`, 'worker-a');
    server.signal('SIGSTOP');
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let outcome: string;
    try {
      // QUIT gets no answer from a paused server: close() must not wait for one for ever.
      outcome = await Promise.race([
        cp.close().then(() => 'closed'),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still closing after 10 s'), 10_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      server.signal('SIGCONT');
    }
    const elapsedMs = Date.now() - started;
    expect(outcome).toBe('closed');
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
  }, 30_000);

  it("bounds every call by callTimeout on the user's own client too (offline queue on)", async () => {
    const client = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD });
    client.on('error', () => undefined);
    const cp = new RedisCheckpointer({
      redis: client,
      name: 'fail-fast',
      keyPrefix: uniqueKeyPrefix(),
      sessionTimeout: SESSION_TIMEOUT_MS,
      callTimeout: 1000,
    });
    const stream = `stream-${randomUUID()}`;
    const lease = (await cp.acquireLease(stream, SHARD, 'worker-a'))!;
    await server.stop();
    let result: { error: unknown; elapsedMs: number };
    try {
      result = await failure(cp.renewLease(lease));
    } finally {
      await server.start();
    }
    expect(result.error).toBeInstanceOf(RedisUnavailableError);
    expect((result.error as Error).message).toMatch(/within 1000 ms \(callTimeout\)/);
    expect(result.elapsedMs).toBeLessThan(SESSION_TIMEOUT_MS / 4);
    expect(shown(result.error)).not.toContain(PASSWORD);
    await cp.close();
    // The client reconnects by itself (offline queue on); close it once it has.
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  }, 30_000);
});

/** A loopback port nothing listens on (any more): connections to it are refused. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}
