import { inspect } from 'node:util';
import { REDACTED, redactError, redactValue, TRUNCATED, UNREADABLE } from '../../src/errors/redact.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { SerializationError } from '../../src/processors/errors/SerializationError.js';

/*
 * Redaction is total: whatever a cause or a value holds (revoked proxies, proxies whose traps
 * throw, throwing getters, cycles, null-prototype objects, huge chains), it returns, within
 * bounds, and still redacts every secret it can read.
 */

const SECRET = 'hunter2-Xq9Vt3';
const SECRET_URL = `redis://app:${SECRET}@db:6379`;

function revokedProxy<T extends object>(target: T): T {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** A Proxy every one of whose traps throws. */
function throwingProxy<T extends object>(target: T): T {
  const trap = (): never => {
    throw new Error('trap');
  };
  return new Proxy(target, {
    get: trap,
    getPrototypeOf: trap,
    getOwnPropertyDescriptor: trap,
    ownKeys: trap,
    has: trap,
    isExtensible: trap,
  });
}

const hostile: Array<[string, () => unknown]> = [
  ['a revoked Proxy of an Error', () => revokedProxy(new Error(SECRET_URL))],
  ['a revoked Proxy of a plain object', () => revokedProxy({ password: SECRET })],
  ['a revoked Proxy of an array', () => revokedProxy([SECRET_URL])],
  ['a Proxy of an Error whose traps throw', () => throwingProxy(new Error(SECRET_URL))],
  ['a Proxy of a plain object whose traps throw', () => throwingProxy({ password: SECRET })],
];

/** Everything a printed value shows (inspect follows proxies to their targets, so none may stay). */
function shown(value: unknown): string {
  return inspect(value, { depth: Infinity, showHidden: true });
}

describe('redactError with hostile causes', () => {
  it.each(hostile)('%s as the error itself becomes [unreadable]', (_name, make) => {
    expect(redactError(make())).toBe(UNREADABLE);
  });

  it.each(hostile)('%s as a cause: the error is still redacted around it', (_name, make) => {
    const error = new Error(`failed for ${SECRET_URL}`, { cause: make() });
    const safe = redactError(error) as Error;
    expect(safe).toBeInstanceOf(Error);
    expect(safe.message).toBe('failed for redis://app:***@db:6379');
    expect(safe.cause).toBe(UNREADABLE);
    expect(shown(safe)).not.toContain(SECRET);
  });

  it.each(hostile)('%s in a field, in plain data and in an AggregateError', (_name, make) => {
    const error = Object.assign(new AggregateError([make(), new Error(SECRET_URL)], 'many'), {
      details: make(),
      data: { nested: make(), token: SECRET },
    });
    const safe = redactError(error) as AggregateError & Record<string, unknown>;
    expect(safe.details).toBe(UNREADABLE);
    expect(safe.data).toEqual({ nested: UNREADABLE, token: REDACTED });
    expect(safe.errors[0]).toBe(UNREADABLE);
    expect(shown(safe)).not.toContain(SECRET);
  });

  it.each(hostile)('%s as the cause of a typed error keeps the typed error', (_name, make) => {
    const error = new SerializationError('json', 'cannot serialize item', { cause: make() });
    expect(error).toBeInstanceOf(SerializationError);
    expect(error.cause).toBe(UNREADABLE);
    const later = new RxjsKinesisError('later');
    expect(() => Object.assign(later, { cause: make() })).not.toThrow();
    expect(later.cause).toBe(UNREADABLE);
  });

  it('does not run getters: a throwing one is left out, a secret-named one is replaced', () => {
    const getter = jest.fn(() => {
      throw new Error('getter');
    });
    const error = new Error(SECRET_URL);
    Object.defineProperty(error, 'details', { get: getter, enumerable: true });
    Object.defineProperty(error, 'password', { get: () => SECRET, enumerable: true });
    const safe = redactError(error) as Error & Record<string, unknown>;
    expect(getter).not.toHaveBeenCalled();
    expect(Object.getOwnPropertyDescriptor(safe, 'password')?.value).toBe(REDACTED);
    expect(shown(safe)).not.toContain(SECRET);
  });

  it('replaces a secret-named getter even on an error with nothing else to hide', () => {
    const error = new Error('clean');
    Object.defineProperty(error, 'authToken', { get: () => SECRET, enumerable: true });
    const safe = redactError(error) as Error & Record<string, unknown>;
    expect(safe).not.toBe(error);
    expect(safe.authToken).toBe(REDACTED);
  });

  it('reads a throwing getter of plain data as [unreadable] and redacts the rest', () => {
    const data = {
      get boom(): never {
        throw new Error('getter');
      },
      password: SECRET,
      url: SECRET_URL,
    };
    expect(redactValue(data)).toEqual({
      boom: UNREADABLE,
      password: REDACTED,
      url: 'redis://app:***@db:6379',
    });
    const safe = redactError(Object.assign(new Error('x'), { data })) as Error & Record<string, unknown>;
    expect(safe.data).toEqual({ boom: UNREADABLE, password: REDACTED, url: 'redis://app:***@db:6379' });
  });

  it('keeps a cycle of causes as a cycle of redacted copies', () => {
    const self = new Error(SECRET_URL);
    (self as { cause?: unknown }).cause = self;
    const safeSelf = redactError(self) as Error;
    expect(safeSelf).not.toBe(self);
    expect(safeSelf.cause).toBe(safeSelf);

    const a = new Error(`a ${SECRET_URL}`);
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const safeA = redactError(a) as Error;
    expect((safeA.cause as Error).cause as Error).toBe(safeA);
    expect(shown(safeA)).not.toContain(SECRET);
  });

  it('redacts null-prototype objects and errors, and own __proto__ keys', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      password: SECRET,
      region: 'x',
    });
    expect(redactError(bare)).toEqual({ password: REDACTED, region: 'x' });
    const clean = Object.assign(Object.create(null) as Record<string, unknown>, { region: 'x' });
    expect(redactError(clean)).toBe(clean);

    const error = Object.setPrototypeOf(new Error(SECRET_URL), null) as Error;
    const safe = redactError(error) as Error;
    expect(Object.getPrototypeOf(safe)).toBeNull();
    expect(shown(safe)).not.toContain(SECRET);

    const parsed = JSON.parse(`{"__proto__": {"password": "${SECRET}"}}`) as object;
    const copy = redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ password: REDACTED });
  });

  it('cuts off a chain of causes past its bound, and redacts what comes before', () => {
    let error: Error = new Error(`deepest ${SECRET_URL}`);
    for (let i = 0; i < 10_000; i += 1) error = new Error(`level ${i}`, { cause: error });
    error = new Error('top', { cause: new Error(SECRET_URL, { cause: error }) });
    const safe = redactError(error) as Error;
    const text = shown(safe);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('redis://app:***@db:6379');
    expect(text).toContain(TRUNCATED);
  });

  it('bounds wide and deep values and long error lists', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => new Error(i === 4_999 ? SECRET_URL : `e${i}`));
    const safe = redactError(new AggregateError(many, 'many')) as AggregateError;
    expect(safe.errors).toHaveLength(51);
    expect(safe.errors[50]).toBe('[4950 more]');
    expect(shown(safe)).not.toContain(SECRET);

    const wide = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`k${i}`, { password: SECRET }]),
    );
    const safeWide = redactError(Object.assign(new Error('wide'), { wide })) as Error &
      Record<string, unknown>;
    expect(Object.keys(safeWide.wide as object)).toHaveLength(50);
    expect(shown(safeWide)).not.toContain(SECRET);

    let deep: unknown = { password: SECRET };
    for (let i = 0; i < 100_000; i += 1) deep = { deep };
    expect(shown(redactValue(deep))).not.toContain(SECRET);

    // Many errors, each wide: the walk as a whole stops at its budget.
    const heavy = Array.from({ length: 50 }, () =>
      Object.assign(new Error('h'), { list: [wide, wide, wide] }),
    );
    expect(shown(redactError(new AggregateError(heavy, 'heavy')))).not.toContain(SECRET);
  });
});
