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

  it('answers as a plain list of every spending would, over long seeded runs', () => {
    // Reference: every spending kept, the sums recomputed from scratch at each question.
    const reference = (spends: Array<[number, number]>, capacity: number, interval: number) => ({
      available: (now: number) =>
        capacity -
        spends.filter(([time]) => time + interval > now).reduce((sum, [, amount]) => sum + amount, 0),
      delayFor(amount: number, now: number) {
        const needed = Math.min(amount, capacity);
        const live = spends.filter(([time]) => time + interval > now);
        let free = capacity - live.reduce((sum, [, value]) => sum + value, 0);
        if (free >= needed) return 0;
        for (const [time, value] of live) {
          free += value;
          if (free >= needed) return time + interval - now;
        }
        return interval;
      },
    });
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const [capacity, interval] of [
      [1000, 1000],
      [1e9, 1000],
      [50, 100],
    ] as const) {
      const bucket = new TokenBucket(capacity, interval);
      const spends: Array<[number, number]> = [];
      const model = reference(spends, capacity, interval);
      let now = 0;
      for (let step = 0; step < 3000; step += 1) {
        now += Math.floor(random() * 5);
        const amount = 1 + Math.floor(random() * 40);
        const delay = bucket.delayFor(amount, now);
        expect(delay).toBe(model.delayFor(amount, now));
        if (delay === 0) {
          bucket.take(amount, now);
          spends.push([now, amount]);
        }
        if (step % 97 === 0) expect(bucket.available(now)).toBe(model.available(now));
      }
    }
  });
});
