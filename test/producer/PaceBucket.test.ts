import { PaceBucket } from '../../src/producer/PaceBucket.js';

describe('PaceBucket', () => {
  it('starts full and refills continuously up to its burst', () => {
    const bucket = new PaceBucket(1000, 500);
    expect(bucket.delayFor(500, 0)).toBe(0);
    bucket.take(500, 0);
    // 1,000 tokens a second: 300 are back after 300 ms, all 500 after 500 ms.
    expect(bucket.delayFor(300, 0)).toBe(300);
    expect(bucket.delayFor(300, 300)).toBe(0);
    expect(bucket.delayFor(500, 300)).toBe(200);
    expect(bucket.delayFor(500, 10_000)).toBe(0);
    // Never more than the burst, however long it waited.
    bucket.take(500, 10_000);
    expect(bucket.delayFor(1, 10_000)).toBe(1);
  });

  it('lets an amount above the burst through only when full, leaving it that much below empty', () => {
    const bucket = new PaceBucket(1000, 500);
    bucket.take(100, 0);
    expect(bucket.delayFor(800, 0)).toBe(100);
    bucket.take(800, 100);
    // 300 below empty: 300 ms to empty, 100 more for 100 tokens.
    expect(bucket.delayFor(100, 100)).toBe(400);
  });

  it('answers whole milliseconds, never early', () => {
    const bucket = new PaceBucket(3, 10);
    bucket.take(10, 0);
    // 1 token takes 333.3 ms: the answer is the next whole millisecond.
    const delay = bucket.delayFor(1, 0);
    expect(delay).toBe(334);
    expect(bucket.delayFor(1, delay)).toBe(0);
    expect(bucket.delayFor(1, delay - 1)).toBe(1);
  });

  it('spreads a steady demand evenly: in any window of its interval, at most the rate plus the burst', () => {
    const bucket = new PaceBucket(1000, 400, 1000);
    const spends: Array<[number, number]> = [];
    for (let now = 0; now < 20_000; now += 3) {
      const amount = 100 + ((now * 7) % 300);
      if (bucket.delayFor(amount, now) === 0) {
        bucket.take(amount, now);
        spends.push([now, amount]);
      }
    }
    for (const [start] of spends) {
      const inWindow = spends
        .filter(([time]) => time >= start && time < start + 1000)
        .reduce((sum, [, amount]) => sum + amount, 0);
      expect(inWindow).toBeLessThanOrEqual(1000 + 400);
    }
    // And it is not held back: over 20 s it spent nearly the rate.
    const total = spends.reduce((sum, [, amount]) => sum + amount, 0);
    expect(total).toBeGreaterThan(19_000);
  });
});
