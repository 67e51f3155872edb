import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { Backoff, backoffDelay, resolveBackoffOptions } from '../../src/kinesis/backoff.js';

const almostOne = () => 0.999999;

describe('backoffDelay', () => {
  it('is 0 when random() is 0, at every attempt', () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      expect(backoffDelay(attempt, { baseMs: 50, capMs: 5000, random: () => 0 })).toBe(0);
    }
  });

  it('doubles its ceiling per attempt, then stays below the cap', () => {
    const options = { baseMs: 100, capMs: 5000, random: almostOne };
    const delays = Array.from({ length: 1100 }, (_, attempt) => backoffDelay(attempt, options));
    expect(delays[0]).toBeCloseTo(100 * 0.999999);
    expect(delays[1]).toBeCloseTo(200 * 0.999999);
    expect(delays[5]).toBeCloseTo(3200 * 0.999999);
    expect(delays[6]).toBeCloseTo(5000 * 0.999999);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    // 2^1099 overflows to Infinity; the cap still holds.
    for (const delay of delays) {
      expect(delay).toBeLessThan(5000);
      expect(delay).toBeGreaterThanOrEqual(0);
    }
  });

  it('scales random() into [0, ceiling)', () => {
    expect(backoffDelay(2, { baseMs: 10, capMs: 1000, random: () => 0.5 })).toBe(20);
  });

  it('rejects bad attempts and bad random() values', () => {
    expect(() => backoffDelay(-1, {})).toThrow(InvalidOptionError);
    expect(() => backoffDelay(1.5, {})).toThrow(InvalidOptionError);
    expect(() => backoffDelay(0, { random: () => Number.NaN })).toThrow(InvalidOptionError);
    expect(() => backoffDelay(0, { random: () => -0.1 })).toThrow(InvalidOptionError);
  });
});

describe('resolveBackoffOptions', () => {
  it('applies defaults', () => {
    const resolved = resolveBackoffOptions();
    expect(resolved.baseMs).toBe(100);
    expect(resolved.capMs).toBe(30_000);
    expect(resolved.retryLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [{ baseMs: 0 }, 'baseMs'],
    [{ baseMs: -5 }, 'baseMs'],
    [{ baseMs: Number.NaN }, 'baseMs'],
    [{ baseMs: Number.POSITIVE_INFINITY }, 'baseMs'],
    [{ baseMs: 100, capMs: 99 }, 'capMs'],
    [{ capMs: Number.POSITIVE_INFINITY }, 'capMs'],
    [{ retryLimit: -1 }, 'retryLimit'],
    [{ retryLimit: 1.5 }, 'retryLimit'],
    [{ retryLimit: Number.NaN }, 'retryLimit'],
    [{ random: 0.5 as unknown as () => number }, 'random'],
  ])('rejects %p', (options, option) => {
    expect(() => resolveBackoffOptions(options)).toThrow(InvalidOptionError);
    expect(() => resolveBackoffOptions(options)).toThrow(`"${option}"`);
  });

  it('accepts capMs equal to baseMs, retryLimit 0 and Infinity', () => {
    expect(resolveBackoffOptions({ baseMs: 10, capMs: 10 }).capMs).toBe(10);
    expect(resolveBackoffOptions({ retryLimit: 0 }).retryLimit).toBe(0);
    expect(resolveBackoffOptions({ retryLimit: Infinity }).retryLimit).toBe(Infinity);
  });
});

describe('Backoff', () => {
  it('hands out retryLimit delays, then undefined, and starts over after reset()', () => {
    const backoff = new Backoff({ baseMs: 10, capMs: 40, retryLimit: 3, random: almostOne });
    expect(backoff.attempts).toBe(0);
    const first = [backoff.next(), backoff.next(), backoff.next()];
    expect(first.map((d) => Math.round(d!))).toEqual([10, 20, 40]);
    expect(backoff.attempts).toBe(3);
    expect(backoff.next()).toBeUndefined();
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(Math.round(backoff.next()!)).toBe(10);
  });

  it('never runs out with retryLimit Infinity and stays under the cap', () => {
    const backoff = new Backoff({ baseMs: 1, capMs: 1000, random: almostOne });
    for (let i = 0; i < 2000; i += 1) {
      const delay = backoff.next();
      expect(delay).toBeDefined();
      expect(delay!).toBeLessThan(1000);
    }
  });

  it('with retryLimit 0 gives no retries', () => {
    expect(new Backoff({ retryLimit: 0 }).next()).toBeUndefined();
  });

  it('validates its options at construction', () => {
    expect(() => new Backoff({ capMs: 1, baseMs: 2 })).toThrow(InvalidOptionError);
  });
});

describe('backoffDelay past the longest timer', () => {
  // capMs has no upper bound (Producer expoBackoffLimit, RedisCheckpointer retry.capMs): a delay
  // past 2^31 - 1 ms would be run by Node after 1 ms, retrying at once for every later attempt.
  test('is at most 2^31 - 1 ms', () => {
    const options = { baseMs: 100, capMs: 1e10, random: () => 0.99 };
    expect(backoffDelay(40, options)).toBeLessThanOrEqual(2 ** 31 - 1);
    const backoff = new Backoff({ ...options, retryLimit: 50 });
    for (let i = 0; i < 50; i += 1) expect(backoff.next()).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});
