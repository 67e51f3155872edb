import { Redis } from 'ioredis';
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { resolveRedisCheckpointerOptions } from '../../../src/checkpointers/redis/RedisCheckpointerOptions.js';
import { InvalidOptionError } from '../../../src/errors/InvalidOptionError.js';

/** Validation happens before any connection: this client never connects. */
const client = new Redis({ lazyConnect: true });

afterAll(() => client.disconnect());

function rejection(options: Record<string, unknown>): InvalidOptionError {
  try {
    resolveRedisCheckpointerOptions({ redis: client, name: 'app', ...options } as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected the options to be rejected');
}

describe('RedisCheckpointer options', () => {
  it('defaults to a 60 s session, heartbeat every 15 s, handoff timeout of one session', () => {
    const checkpointer = new RedisCheckpointer({ redis: client, name: 'app' });
    expect(checkpointer).toMatchObject({
      name: 'app',
      leaseDurationMs: 60_000,
      heartbeatIntervalMs: 15_000,
      handoffTimeoutMs: 60_000,
      handoffReservationMs: 30_000,
    });
  });

  it('derives the heartbeat from the session timeout', () => {
    expect(
      resolveRedisCheckpointerOptions({ redis: client, name: 'app', sessionTimeout: 2000 }),
    ).toMatchObject({
      sessionTimeoutMs: 2000,
      heartbeatIntervalMs: 500,
      keyPrefix: 'rxjs-kinesis:',
    });
  });

  it('accepts a redis:// or rediss:// URL and rejects anything else', () => {
    expect(resolveRedisCheckpointerOptions({ redis: 'redis://127.0.0.1:1/2', name: 'app' }).redis).toBe(
      'redis://127.0.0.1:1/2',
    );
    expect(rejection({ redis: 'http://localhost:6379' }).message).toMatch(/redis:\/\/host:port/);
    expect(rejection({ redis: 'not a url' }).option).toBe('redis');
    expect(rejection({ redis: {} }).message).toMatch(/ioredis Redis or Cluster instance/);
    expect(rejection({ redis: undefined }).option).toBe('redis');
  });

  it('requires an application name', () => {
    expect(rejection({ name: '' }).message).toMatch(/application \(consumer group\) name/);
    expect(rejection({ name: 42 }).option).toBe('name');
  });

  it('wants the session timeout in milliseconds and says so', () => {
    const error = rejection({ sessionTimeout: 60 });
    expect(error.option).toBe('sessionTimeout');
    expect(error.message).toMatch(/did you mean 60000 \(60 s\)/);
    expect(rejection({ sessionTimeout: 1500.5 }).option).toBe('sessionTimeout');
    expect(rejection({ sessionTimeout: -1 }).option).toBe('sessionTimeout');
  });

  it('keeps the heartbeat at or below half the session timeout', () => {
    expect(
      resolveRedisCheckpointerOptions({
        redis: client,
        name: 'a',
        sessionTimeout: 1000,
        heartbeatInterval: 500,
      }),
    ).toMatchObject({ heartbeatIntervalMs: 500 });
    const error = rejection({ sessionTimeout: 1000, heartbeatInterval: 501 });
    expect(error.option).toBe('heartbeatInterval');
    expect(error.message).toMatch(/<= sessionTimeout \/ 2 \(500 ms\)/);
    expect(rejection({ heartbeatInterval: 0 }).option).toBe('heartbeatInterval');
  });

  it('checks the key prefix, handoff timings, retry and sleep', () => {
    expect(rejection({ keyPrefix: 'a{b}' }).message).toMatch(/hash tag/);
    expect(rejection({ keyPrefix: 3 }).option).toBe('keyPrefix');
    expect(rejection({ sessionTimeout: 1000, handoffTimeoutMs: 100 }).message).toMatch(
      /> 2 \* heartbeatInterval \(heartbeatInterval is 250 ms, so at least 501 ms\)/,
    );
    expect(rejection({ sessionTimeout: 1000, handoffReservationMs: 100 }).option).toBe(
      'handoffReservationMs',
    );
    expect(rejection({ retry: 'often' }).option).toBe('retry');
    expect(rejection({ retry: { retryLimit: -1 } }).option).toBe('retry.retryLimit');
    expect(rejection({ retry: { baseMs: 100, capMs: 10 } }).message).toMatch(/>= retry\.baseMs \(100\)/);
    // A misspelt field would otherwise be ignored for its default.
    const misspelt = rejection({ retry: { retrylimit: 0 } as never });
    expect(misspelt.option).toBe('retry.retrylimit');
    expect(misspelt.message).toMatch(/known options are baseMs, capMs, retryLimit, random/);
    expect(rejection({ sleep: 5 }).option).toBe('sleep');
    expect(rejection({ now: 5 }).option).toBe('now');
  });

  it('reads a retry field given as undefined as left out: the Redis back-off default, not the general one', () => {
    const resolve = (retry: Record<string, unknown>) =>
      resolveRedisCheckpointerOptions({ redis: client, name: 'app', retry } as never).retry;
    const defaults = resolve({});
    expect(defaults).toMatchObject({ baseMs: 50, capMs: 1000, retryLimit: 6 });
    expect(
      resolve({ baseMs: undefined, capMs: undefined, retryLimit: undefined, random: undefined }),
    ).toEqual(defaults);
    expect(resolve({ baseMs: undefined, capMs: 2000 })).toMatchObject({
      baseMs: 50,
      capMs: 2000,
      retryLimit: 6,
    });
  });

  it('rejects unknown options, naming the known ones', () => {
    const error = rejection({ sessionTimeoutMs: 1000 });
    expect(error.option).toBe('sessionTimeoutMs');
    expect(error.message).toMatch(/known options are redis, name, sessionTimeout, heartbeatInterval/);
  });

  it('does not show the value of an unknown option: a misspelt password stays secret', () => {
    const error = rejection({ pasword: 'hunter2' });
    expect(error.option).toBe('pasword');
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error.value)).not.toContain('hunter2');
  });
});

describe('RedisCheckpointer options: callTimeout, tls, URLs', () => {
  it('bounds each call by callTimeout, half a session by default, at most one session', () => {
    expect(
      resolveRedisCheckpointerOptions({ redis: client, name: 'app', sessionTimeout: 8000 }),
    ).toMatchObject({
      callTimeoutMs: 4000,
    });
    expect(
      resolveRedisCheckpointerOptions({ redis: client, name: 'app', sessionTimeout: 8000, callTimeout: 500 }),
    ).toMatchObject({ callTimeoutMs: 500 });
    expect(rejection({ sessionTimeout: 8000, callTimeout: 9000 }).message).toMatch(
      /Invalid option "callTimeout": got 9000; .*sessionTimeout \(8000 ms\)/,
    );
    expect(rejection({ callTimeout: 1.5 }).option).toBe('callTimeout');
  });

  it('takes TLS options only with a rediss:// URL', () => {
    const tls = { ca: '-----BEGIN CERTIFICATE-----', servername: 'redis.internal' };
    expect(
      resolveRedisCheckpointerOptions({ redis: 'rediss://redis.internal:6380', name: 'app', tls }),
    ).toMatchObject({ tls });
    expect(rejection({ tls }).message).toMatch(/your own Redis\/Cluster instance/);
    expect(() => resolveRedisCheckpointerOptions({ redis: 'redis://h:6379', name: 'app', tls })).toThrow(
      /needs a rediss:\/\/ URL/,
    );
  });

  it('refuses a URL without a host, without echoing its password', () => {
    for (const url of ['redis:/:pw-123456@h:6379', 'redis:pw-123456@h', 'rediss://']) {
      let error: unknown;
      try {
        resolveRedisCheckpointerOptions({ redis: url, name: 'app' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toMatch(/Invalid option "redis"/);
      expect((error as Error).message).not.toContain('pw-123456');
      expect(JSON.stringify(error)).not.toContain('pw-123456');
    }
  });
});
