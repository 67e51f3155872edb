import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import {
  isSecretName,
  REDACTED,
  redactConnectionString,
  redactError,
  redactText,
  redactValue,
} from '../../src/errors/redact.js';

const SECRET = 'hunter2-Xq9Vt3';

describe('isSecretName', () => {
  it.each([
    'password',
    'Password',
    'redisPassword',
    'passwd',
    'secret',
    'secretAccessKey',
    'credentials.secretAccessKey',
    'sessionToken',
    'token',
    'authToken',
    'auth',
    'Authorization',
    'credential',
    'credentials',
    'apiKey',
    'api_key',
    'apikey',
    'accessKeyId',
    'key',
    'privateKey',
    'passphrase',
    'x-amz-security-token',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'partitionKey',
    'explicitHashKey',
    'keyPrefix',
    'streamName',
    'endpoint',
    'region',
    'redis',
    'sessionTimeout',
    'name',
    'workerId',
    'batchSize',
  ])('%s is not secret', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('redactText', () => {
  it.each([
    [`redis://:${SECRET}@127.0.0.1:6379/0`, 'redis://:***@127.0.0.1:6379/0'],
    [`redis://default:${SECRET}@db.example:6379`, 'redis://default:***@db.example:6379'],
    [`rediss://app-reader:${SECRET}@db:6380`, 'rediss://app-reader:***@db:6380'],
    [`https://AKIAIOSFODNN7EXAMPLE:${SECRET}@kinesis.local`, 'https://***@kinesis.local'],
    [`https://ghp_${SECRET}@host/path`, 'https://***@host/path'],
    [`http://user:p@ss@${SECRET}@host:4567`, 'http://user:***@host:4567'],
    [`redis:/:${SECRET}@host`, 'redis:/:***@host'],
    [`redis//:${SECRET}@host:6379`, 'redis//:***@host:6379'],
    [`got "redis//:${SECRET}@host" here`, 'got "redis//:***@host" here'],
    [`argument 'AKIAEXAMPLEKEY123456:${SECRET}@127.0.0.1:1'`, "argument '***@127.0.0.1:1'"],
    [`argument 'http//AKIAEXAMPLEKEY123456:${SECRET}@h:1'`, "argument 'http//***@h:1'"],
    [`default:${SECRET}@db:6379`, 'default:***@db:6379'],
    ['connect ECONNREFUSED 127.0.0.1:6379', 'connect ECONNREFUSED 127.0.0.1:6379'],
    ['contact: ops@example.com', 'contact: ops@example.com'],
    ['http://127.0.0.1:4567/', 'http://127.0.0.1:4567/'],
    // A password in a URL's query, within free text (a log line, an error message).
    [
      `cannot reach redis://db:6379?password=${SECRET}&db=1 now`,
      'cannot reach redis://db:6379?password=***&db=1 now',
    ],
    [
      `redis://u:${SECRET}@db:6379/0?sentinelPassword=${SECRET}`,
      'redis://u:***@db:6379/0?sentinelPassword=***',
    ],
    ['https://host/path?page=2&sort=asc', 'https://host/path?page=2&sort=asc'],
    ['key=value without a URL', 'key=value without a URL'],
    // Quoted or bracketed in a message: the closing quote and what follows it stay (they were
    // taken as part of the value: `got "redis://db?password=*** a URL must...`).
    [
      `Invalid option "url": got "mongodb://h/db?password=${SECRET}"; a URL must`,
      'Invalid option "url": got "mongodb://h/db?password=***"; a URL must',
    ],
    [`see (redis://h:6379?token=${SECRET}), then`, 'see (redis://h:6379?token=***), then'],
    // A closing quote inside the value: the last one closes, the value stays hidden whole.
    [`got 'redis://h?password=a'${SECRET}'.`, "got 'redis://h?password=***'."],
  ])('%s -> %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('changes nothing more when applied twice', () => {
    for (const text of [
      `redis://:${SECRET}@h:1`,
      `redis://app:${SECRET}@h`,
      `https://AKIAIOSFODNN7EXAMPLE:${SECRET}@h`,
      `redis:/:${SECRET}@h`,
      `u:${SECRET}@h`,
    ]) {
      const once = redactText(text);
      expect(once).not.toContain(SECRET);
      expect(redactText(once)).toBe(once);
    }
  });

  it('redacts every URL of a text', () => {
    const text = `a redis://:${SECRET}@a:1 and b https://u:${SECRET}@b:2`;
    expect(redactText(text)).toBe('a redis://:***@a:1 and b https://u:***@b:2');
  });
});

describe('redactConnectionString', () => {
  it.each([
    [`redis//:${SECRET}@host:6379`, '***@host:6379'],
    [`redis:${SECRET}@host`, 'redis:***@host'],
    [`:${SECRET}@host:6379`, ':***@host:6379'],
    [`rediss://app:${SECRET}@host:6380`, 'rediss://app:***@host:6380'],
    ['not a url', 'not a url'],
    [`redis://h:6379?password=${SECRET}`, 'redis://h:6379?password=***'],
    [
      `redis://u:${SECRET}@h:6379/2?family=6&Password=${SECRET}#x`,
      'redis://u:***@h:6379/2?family=6&Password=***#x',
    ],
    [`rediss://h?db=1&authToken=${SECRET}&tls=true`, 'rediss://h?db=1&authToken=***&tls=true'],
    [`redis://h?pass%77ord=${SECRET}`, 'redis://h?pass%77ord=***'],
    ['redis://h:6379?db=3&keyPrefix=app', 'redis://h:6379?db=3&keyPrefix=app'],
    // A value runs to the next & or # (URLSearchParams, which ioredis reads the query with).
    [`redis://h:6379?password=a;${SECRET}&db=1`, 'redis://h:6379?password=***&db=1'],
    [`redis://h?db=1;password=${SECRET}`, 'redis://h?db=1;password=***'],
  ])('%s -> %s', (input, expected) => {
    expect(redactConnectionString(input)).toBe(expected);
    expect(redactConnectionString(input)).not.toContain(SECRET);
  });
});

describe('redactValue', () => {
  it('replaces the value of a secret-named option whole', () => {
    expect(redactValue(SECRET, 'password')).toBe(REDACTED);
    expect(redactValue({ accessKeyId: 'AKIA', secretAccessKey: SECRET }, 'credentials')).toBe(REDACTED);
    expect(redactValue(undefined, 'password')).toBeUndefined();
  });

  it('redacts secret-named properties of plain objects at any depth', () => {
    const value = { region: 'eu-west-1', nested: { deeper: { secretAccessKey: SECRET, ok: 1 } } };
    expect(redactValue(value, 'options')).toEqual({
      region: 'eu-west-1',
      nested: { deeper: { secretAccessKey: REDACTED, ok: 1 } },
    });
    expect(value.nested.deeper.secretAccessKey).toBe(SECRET);
  });

  it('replaces class instances by their class name and keeps dates and primitives', () => {
    class Client {
      readonly options = { password: SECRET };
    }
    const date = new Date(0);
    expect(redactValue(new Client())).toBe('[Client]');
    expect(redactValue(date)).toBe(date);
    expect(redactValue(42)).toBe(42);
    expect(redactValue([`redis://:${SECRET}@h`])).toEqual(['redis://:***@h']);
  });

  it('survives cycles', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    expect(redactValue(value)).toEqual({ a: 1, self: '[Circular]' });
  });
});

describe('redactError', () => {
  it('returns a clean error unchanged', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(redactError(error)).toBe(error);
  });

  it('keeps an error whose fields are clean data or class instances (an SDK response)', () => {
    class HttpResponse {
      readonly statusCode = 500;
    }
    const error = Object.assign(new Error('InternalFailure'), { $metadata: { httpStatusCode: 500 } });
    Object.defineProperty(error, '$response', { value: new HttpResponse(), enumerable: false });
    expect(redactError(error)).toBe(error);
  });

  it('drops command arguments and keeps class, message and code', () => {
    class ReplyError extends Error {
      override name = 'ReplyError';
    }
    const error = Object.assign(new ReplyError('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: [SECRET] },
      code: 'WRONGPASS',
    });
    const safe = redactError(error) as Error & Record<string, unknown>;
    expect(safe).not.toBe(error);
    expect(safe).toBeInstanceOf(ReplyError);
    expect(safe.message).toBe(error.message);
    expect(safe.code).toBe('WRONGPASS');
    expect(safe.command).toBeUndefined();
    expect(inspect(safe, { depth: Infinity })).not.toContain(SECRET);
    expect(JSON.stringify(safe)).not.toContain(SECRET);
  });

  it('redacts URLs in message and stack, secret-named fields and nested causes', () => {
    const inner = Object.assign(new TypeError('Invalid URL'), { input: `redis//:${SECRET}@h`, code: 'X' });
    const outer = new Error(`failed for redis://:${SECRET}@h:1`, { cause: inner });
    Object.assign(outer, { password: SECRET, errors: [inner] });
    const text = inspect(redactError(outer), { depth: Infinity });
    expect(text).not.toContain(SECRET);
    expect(text).toContain('redis://:***@h:1');
    expect(text).toContain('Invalid URL');
  });

  // Node 22 and later keep an Error's `stack` as an own accessor of the engine (one per realm).
  it.each([
    ['of this realm', () => new SyntaxError(`Unexpected token at redis://:${SECRET}@h:1`)],
    [
      'of another realm',
      () => runInNewContext(`new SyntaxError('Unexpected token at redis://:${SECRET}@h:1')`) as Error,
    ],
  ])('gives the copy of an error %s its stack, redacted like the message', (_realm, make) => {
    const error = make();
    const original = error.stack ?? '';
    expect(original).toContain(SECRET);
    const safe = redactError(error) as Error;
    expect(safe).not.toBe(error);
    const descriptor = Object.getOwnPropertyDescriptor(safe, 'stack');
    expect(descriptor).toMatchObject({ writable: true, enumerable: false, configurable: true });
    expect(typeof descriptor?.value).toBe('string');
    expect(safe.stack).toBe(redactText(original));
    expect(safe.stack).toContain('SyntaxError: Unexpected token at redis://:***@h:1\n    at ');
    expect(inspect(safe)).toContain('redis://:***@h:1');
    expect(inspect(safe)).not.toContain(SECRET);
  });

  it('does not run a stack getter written in JavaScript (left out of the copy)', () => {
    const getter = jest.fn(() => `Error: at redis://:${SECRET}@h:1`);
    const error = new Error(`failed for redis://:${SECRET}@h:1`);
    Object.defineProperty(error, 'stack', { get: getter, configurable: true });
    const proxied = new Error(`failed for redis://:${SECRET}@h:1`);
    const target = (): string => `Error: at redis://:${SECRET}@h:1`;
    const trap = jest.fn(target);
    Object.defineProperty(proxied, 'stack', {
      get: new Proxy(target, { apply: trap }),
      configurable: true,
    });
    for (const hostile of [error, proxied]) {
      const safe = redactError(hostile) as Error;
      expect(Object.getOwnPropertyDescriptor(safe, 'stack')).toBeUndefined();
      expect(safe.message).toBe('failed for redis://:***@h:1');
    }
    expect(getter).not.toHaveBeenCalled();
    expect(trap).not.toHaveBeenCalled();
  });
});
