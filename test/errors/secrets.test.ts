// Plants secrets in every error path that can see one and scans everything a user could print
// of the resulting error: message, stack, util.inspect (all depths, hidden properties too),
// JSON.stringify, `value`, and every nested cause.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { firstValueFrom, of, type Observable } from 'rxjs';
import { RedisCommandError } from '../../src/checkpointers/redis/errors/RedisCommandError.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import { toCheckpointer } from '../../src/checkpointers/toCheckpointer.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { Producer } from '../../src/producer/Producer.js';
import { startRedisServer, type RedisServerProcess } from '../checkpointers/redis/redisServers.js';
import { CaptureLogger } from '../support/captureLogger.js';

/** A fresh secret per case, so a leak names its case. */
function secret(label: string): string {
  return `${label}-${randomUUID().replace(/-/g, '')}`;
}

/** Everything a user could print of an error, its causes and their fields. */
function printed(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (value === undefined || value === null || seen.has(value) || depth > 6) return;
    seen.add(value);
    parts.push(String(value));
    parts.push(inspect(value, { depth: Infinity, showHidden: true }));
    try {
      parts.push(JSON.stringify(value) ?? '');
    } catch {
      // a cycle: inspect above has it
    }
    if (typeof value === 'object') {
      const record = value as Record<string, unknown>;
      parts.push(String(record.message ?? ''), String(record.stack ?? ''));
      for (const key of Reflect.ownKeys(value))
        visit((value as Record<PropertyKey, unknown>)[key], depth + 1);
      visit(record.cause, depth + 1);
    }
  };
  visit(error, 0);
  return parts.join('\n');
}

/** The error a call throws, or the error its Observable emits (subscribed briefly). */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result instanceof Promise)
      return await result.then(
        () => undefined,
        (e: unknown) => e,
      );
    if (result !== null && typeof result === 'object' && 'subscribe' in result)
      return await firstValueFrom(result as Observable<unknown>).then(
        () => undefined,
        (e: unknown) => e,
      );
    return undefined;
  } catch (error) {
    return error;
  }
}

async function expectNoSecret(planted: string, call: () => unknown): Promise<unknown> {
  const error = await errorOf(call);
  expect(error).toBeInstanceOf(Error);
  const text = printed(error);
  expect(text).not.toContain(planted);
  // Not even a long fragment of it.
  expect(text).not.toContain(planted.slice(-20));
  return error;
}

describe('no secret in option errors', () => {
  it('fromKinesis(): a `credential` typo, bad credentials, an endpoint with user info', async () => {
    const a = secret('aws');
    await expectNoSecret(a, () =>
      fromKinesis({
        streamName: 's',
        credential: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: a },
      } as never),
    );
    const b = secret('aws');
    await expectNoSecret(b, () =>
      fromKinesis({ streamName: 's', credentials: { accessKeyId: 1, secretAccessKey: b } } as never),
    );
    const c = secret('pw');
    await expectNoSecret(c, () => fromKinesis({ streamName: 's', password: c } as never));
    const d = secret('pw');
    await expectNoSecret(d, () => fromKinesis({ streamName: 's', endpoint: `ftp://user:${d}@127.0.0.1:1` }));
  });

  it('toKinesis() and Producer: bad credentials and endpoints with user info', async () => {
    const a = secret('aws');
    await expectNoSecret(a, () =>
      of(1).pipe(
        toKinesis({
          streamName: 's',
          credentials: {
            accessKeyId: 'x',
            secretAccessKey: a as never as string,
            sessionToken: 5 as never,
          } as never,
          endpoint: 'ftp://h',
        }),
      ),
    );
    const b = secret('pw');
    await expectNoSecret(b, () =>
      of(1).pipe(toKinesis({ streamName: 's', endpoint: `http//AKIAEXAMPLEKEY12345:${b}@127.0.0.1:1` })),
    );
    const c = secret('pw');
    await expectNoSecret(c, async () => {
      const producer = new Producer({ streamName: 's', endpoint: `ftp://me:${c}@127.0.0.1:1` });
      await producer.close();
    });
  });

  it('createKinesisClient(): endpoints with user info, parsable or not, and bad credentials', async () => {
    for (const endpoint of ['ftp://user:%s@h', 'http//user:%s@h:4567', 'http://user:%s@[bad', ':%s@h']) {
      const planted = secret('pw');
      const error = await expectNoSecret(planted, () =>
        createKinesisClient({ endpoint: endpoint.replace('%s', planted) }),
      );
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toMatch(/Invalid option "endpoint"/);
    }
    const planted = secret('aws');
    await expectNoSecret(planted, () =>
      createKinesisClient({ credentials: { accessKeyId: 7, secretAccessKey: planted } as never }),
    );
  });

  it('RedisCheckpointer: a mistyped URL with a password, unknown secret options, TLS keys', async () => {
    for (const url of [
      'redis//:%s@127.0.0.1:6379',
      'redis:/:%s@127.0.0.1:6379',
      'http://:%s@h',
      ':%s@h:6379',
    ]) {
      const planted = secret('pw');
      const error = await expectNoSecret(
        planted,
        () => new RedisCheckpointer({ redis: url.replace('%s', planted), name: 'a' }),
      );
      expect((error as Error).message).toMatch(/Invalid option "redis"/);
    }
    const a = secret('pw');
    await expectNoSecret(
      a,
      () => new RedisCheckpointer({ redis: 'redis://h', name: 'a', password: a } as never),
    );
    const b = secret('key');
    await expectNoSecret(
      b,
      () => new RedisCheckpointer({ redis: 'redis://h', name: 'a', tls: { key: b, passphrase: b } }),
    );
    const c = secret('pw');
    await expectNoSecret(c, () => toCheckpointer(`redis://:${c}@127.0.0.1:6379`));
  });

  it('RedisCheckpointer: a password given where the URL goes is not repeated', async () => {
    for (const shape of ['%s', 'pw %s', 'pw:%s', '127.0.0.1:6379 %s', '%s!']) {
      const planted = secret('pw');
      const error = await expectNoSecret(
        planted,
        () => new RedisCheckpointer({ redis: shape.replace('%s', planted), name: 'a' }),
      );
      expect((error as Error).message).toMatch(/Invalid option "redis"/);
      expect((error as Error).message).toMatch(/not a URL/);
    }
    for (const shape of ['%s', 'pw:%s']) {
      const planted = secret('pw');
      await expectNoSecret(planted, () => toCheckpointer(shape.replace('%s', planted)));
    }
    // A URL of another scheme is shown (without its user info): it says what went wrong.
    expect(() => new RedisCheckpointer({ redis: 'http://cache.internal:6379', name: 'a' })).toThrow(
      /http:\/\/cache\.internal:6379/,
    );
  });

  it('an error built with an endpoint in its message', async () => {
    const planted = secret('pw');
    await expectNoSecret(planted, () => {
      throw new ConnectionError(`cannot reach http://AKIAEXAMPLEKEY12345:${planted}@127.0.0.1:1`, {
        cause: Object.assign(new Error(`fetch failed for https://u:${planted}@h`), { input: planted }),
      });
    });
  });
});

describe('no secret in Redis errors (real redis-server with requirepass)', () => {
  const PASSWORD = secret('right');
  let server: RedisServerProcess;
  const opened: { close(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    server = await startRedisServer({ args: ['--requirepass', PASSWORD] });
  });

  afterAll(async () => {
    await Promise.all(opened.map((item) => item.close().catch(() => undefined)));
    await server.close();
  });

  it('a wrong password in the URL: a non-retriable error that says WRONGPASS, without the password', async () => {
    const wrong = secret('wrong');
    const checkpointer = new RedisCheckpointer({
      redis: `redis://:${wrong}@127.0.0.1:${server.port}`,
      name: 'a',
    });
    opened.push(checkpointer);
    const error = await expectNoSecret(wrong, () => checkpointer.acquireLease('s', 'shard-1', 'w'));
    expect(error).toBeInstanceOf(RedisCommandError);
    expect(error).toMatchObject({ retriable: false, operation: 'acquireLease' });
    expect((error as Error).message).toMatch(/WRONGPASS|invalid password|invalid username-password/i);
    expect(printed(error)).not.toContain(PASSWORD);
  });

  it("a wrong password on the user's own ioredis client: the command arguments are dropped from the cause", async () => {
    const wrong = secret('wrong');
    const client = new Redis({
      port: server.port,
      host: '127.0.0.1',
      password: wrong,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    opened.push({ close: async () => (client.status === 'end' ? undefined : client.disconnect()) });
    const checkpointer = new RedisCheckpointer({ redis: client, name: 'a', retry: { retryLimit: 0 } });
    const error = await expectNoSecret(wrong, () => checkpointer.getCheckpoint('s', 'shard-1'));
    expect(error).toBeInstanceOf(RedisCommandError);
  });

  it('a password in the URL query (`?password=`, which ioredis reads): it connects, and no log line or error shows it', async () => {
    const logger = new CaptureLogger();
    const checkpointer = new RedisCheckpointer({
      redis: `redis://127.0.0.1:${server.port}/0?password=${encodeURIComponent(PASSWORD)}`,
      name: 'a',
      logger,
    });
    opened.push(checkpointer);
    await expect(checkpointer.heartbeat('s', 'w')).resolves.toEqual(expect.any(Number));
    const wrong = secret('wrong');
    const refused = new RedisCheckpointer({
      redis: `redis://127.0.0.1:${server.port}?db=0&password=${wrong}`,
      name: 'a',
      logger,
    });
    opened.push(refused);
    const error = await expectNoSecret(wrong, () => refused.acquireLease('s', 'shard-1', 'w'));
    expect(error).toBeInstanceOf(RedisCommandError);
    await checkpointer.close();
    await refused.close();
    expect(logger.messages('info')).toContain('Redis checkpointer opened');
    expect(logger.text()).toContain(`redis://127.0.0.1:${server.port}/0?password=***`);
    expect(logger.text()).not.toContain(PASSWORD);
    expect(logger.text()).not.toContain(wrong);
    const shown = secret('pw');
    await expectNoSecret(
      shown,
      () => new RedisCheckpointer({ redis: `http://cache.internal:6379?password=${shown}`, name: 'a' }),
    );
  });

  it('a script run with the right password: its error carries no command arguments', async () => {
    const checkpointer = new RedisCheckpointer({
      redis: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
      name: 'a',
    });
    opened.push(checkpointer);
    const client = new Redis({ port: server.port, host: '127.0.0.1', password: PASSWORD });
    opened.push({ close: () => client.quit() });
    const token = secret('token');
    // A lease key of the wrong type makes the acquire script fail with the lease token among its
    // arguments; the error must not carry them.
    await client.set('rxjs-kinesis:{a:s}:shard:shard-1', 'not a hash');
    const error = await errorOf(() => checkpointer.acquireLease('s', 'shard-1', token));
    expect(error).toBeInstanceOf(RedisCommandError);
    const text = printed(error);
    expect(text).toMatch(/WRONGTYPE/);
    expect(text).not.toContain(token);
    expect(text).not.toContain(PASSWORD);
  });
});
