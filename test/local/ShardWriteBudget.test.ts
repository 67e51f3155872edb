import { ShardWriteBudget } from '../../src/local/ShardWriteBudget.js';
import { seededRandom } from '../../src/local/seededRandom.js';

describe('ShardWriteBudget', () => {
  it('accepts one second of records at once, then at the rate of the limit', () => {
    const budget = new ShardWriteBudget(4, 1_000_000);
    expect([0, 0, 0, 0, 0].map((now) => budget.tryConsume(now, 10))).toEqual([true, true, true, true, false]);
    // 4 records/s: one record's worth comes back every 250 ms.
    expect(budget.tryConsume(249, 10)).toBe(false);
    expect(budget.tryConsume(250, 10)).toBe(true);
    expect(budget.tryConsume(400, 10)).toBe(false);
    expect(budget.tryConsume(500, 10)).toBe(true);
    // A quiet spell refills at most one second's budget.
    expect([10_000, 10_000, 10_000, 10_000, 10_000].map((now) => budget.tryConsume(now, 10))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('does not reset at whole seconds: a burst across a boundary gets the budget and the refill, not two budgets', () => {
    const budget = new ShardWriteBudget(1000, 10 * 1024 * 1024);
    let accepted = 0;
    // 2,000 records between 800 ms and 1,226 ms (the 426 ms burst that calendar windows let through).
    for (let i = 0; i < 2000; i += 1)
      if (budget.tryConsume(800 + Math.floor((i * 426) / 2000), 100)) accepted += 1;
    expect(accepted).toBeGreaterThanOrEqual(1420);
    expect(accepted).toBeLessThanOrEqual(1426);
  });

  it('accepts up to the byte budget, counting each record whole', () => {
    const budget = new ShardWriteBudget(1000, 100);
    expect(budget.tryConsume(5000, 60)).toBe(true);
    expect(budget.tryConsume(5001, 50)).toBe(false);
    expect(budget.tryConsume(5002, 39)).toBe(true);
    expect(budget.tryConsume(5003, 2)).toBe(false);
    expect(budget.tryConsume(5500, 51)).toBe(true);
    expect(budget.tryConsume(7000, 100)).toBe(true);
    expect(budget.tryConsume(7000, 1)).toBe(false);
  });

  it('never admits more than (1 + T) times the limit in any interval of T seconds of a random load', () => {
    const random = seededRandom(7);
    const budget = new ShardWriteBudget(50, 5000);
    const accepted: Array<{ at: number; bytes: number }> = [];
    let now = 0;
    for (let i = 0; i < 20_000; i += 1) {
      now += Math.floor(random() * 8);
      const bytes = 1 + Math.floor(random() * 300);
      if (budget.tryConsume(now, bytes)) accepted.push({ at: now, bytes });
    }
    expect(accepted.length).toBeGreaterThan(1000);
    for (const lengthMs of [1, 100, 500, 1000, 3000]) {
      // Every interval [start, start + length) that begins at an acceptance.
      let end = 0;
      let records = 0;
      let bytes = 0;
      for (let start = 0; start < accepted.length; start += 1) {
        while (end < accepted.length && accepted[end]!.at < accepted[start]!.at + lengthMs) {
          records += 1;
          bytes += accepted[end]!.bytes;
          end += 1;
        }
        expect(records).toBeLessThanOrEqual(Math.floor(50 * (1 + lengthMs / 1000)) + 1);
        expect(bytes).toBeLessThanOrEqual(5000 * (1 + lengthMs / 1000));
        records -= 1;
        bytes -= accepted[start]!.bytes;
      }
    }
    // Over the whole run the rate is the limit's.
    const seconds = (accepted[accepted.length - 1]!.at - accepted[0]!.at) / 1000;
    expect(accepted.length).toBeLessThanOrEqual(50 * (seconds + 1) + 1);
  });

  it('gains nothing from a clock that goes back', () => {
    const budget = new ShardWriteBudget(1, 100);
    expect(budget.tryConsume(10_000, 1)).toBe(true);
    expect(budget.tryConsume(5_000, 1)).toBe(false);
    expect(budget.tryConsume(10_999, 1)).toBe(false);
    expect(budget.tryConsume(11_000, 1)).toBe(true);
  });
});
