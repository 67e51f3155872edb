import { TokenBucket } from '../../src/producer/TokenBucket.js';

describe('TokenBucket', () => {
  it('gives back spent tokens exactly one interval later', () => {
    const bucket = new TokenBucket(1000, 1000);
    bucket.take(600, 0);
    bucket.take(400, 300);
    expect(bucket.available(999)).toBe(0);
    expect(bucket.delayFor(1, 500)).toBe(500);
    expect(bucket.delayFor(700, 500)).toBe(800);
    expect(bucket.available(1000)).toBe(600);
    expect(bucket.available(1300)).toBe(1000);
  });

  it('never allows more than its capacity in any window', () => {
    const bucket = new TokenBucket(10, 100);
    const spends: number[] = [];
    for (let now = 0; now < 1000; now += 7) {
      if (bucket.delayFor(3, now) === 0) {
        bucket.take(3, now);
        spends.push(now, now, now);
      }
    }
    for (const start of spends)
      expect(spends.filter((time) => time >= start && time < start + 100).length).toBeLessThanOrEqual(10);
  });

  it('lets an amount above capacity through only when the whole budget is free', () => {
    const bucket = new TokenBucket(10, 100);
    expect(bucket.delayFor(25, 0)).toBe(0);
    bucket.take(1, 0);
    expect(bucket.delayFor(25, 50)).toBe(50);
  });
});
