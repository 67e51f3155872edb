import { ShardWriteBudget } from '../../src/local/ShardWriteBudget.js';
import { seededRandom } from '../../src/local/seededRandom.js';

describe('ShardWriteBudget', () => {
  it('accepts up to the record budget in any 1-second interval', () => {
    const budget = new ShardWriteBudget(3, 1_000_000);
    const results = [0, 100, 200, 300].map((now) => budget.tryConsume(now, 10));
    expect(results).toEqual([true, true, true, false]);
    expect(budget.tryConsume(999, 10)).toBe(false);
    // The record taken at 0 leaves the window at 1000, the ones at 100 and 200 later.
    expect(budget.tryConsume(1000, 10)).toBe(true);
    expect(budget.tryConsume(1050, 10)).toBe(false);
    expect(budget.tryConsume(1100, 10)).toBe(true);
  });

  it('does not reset at whole seconds: a burst across a boundary gets one budget, not two', () => {
    const budget = new ShardWriteBudget(1000, 10 * 1024 * 1024);
    let accepted = 0;
    // 2,000 records between 800 ms and 1,226 ms (the 426 ms burst that calendar windows let through).
    for (let i = 0; i < 2000; i += 1)
      if (budget.tryConsume(800 + Math.floor((i * 426) / 2000), 100)) accepted += 1;
    expect(accepted).toBe(1000);
  });

  it('accepts up to the byte budget, counting each record whole', () => {
    const budget = new ShardWriteBudget(1000, 100);
    expect(budget.tryConsume(5000, 60)).toBe(true);
    expect(budget.tryConsume(5001, 50)).toBe(false);
    expect(budget.tryConsume(5002, 40)).toBe(true);
    expect(budget.tryConsume(5003, 1)).toBe(false);
    expect(budget.tryConsume(5999, 100)).toBe(false);
    expect(budget.tryConsume(6000, 60)).toBe(true);
    expect(budget.tryConsume(6002, 40)).toBe(true);
  });

  it('never admits more than the budget in any 1-second interval of a random load', () => {
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
    // Every interval [start, start + 1000) that begins at an acceptance holds at most the budget.
    let end = 0;
    let records = 0;
    let bytes = 0;
    for (let start = 0; start < accepted.length; start += 1) {
      while (end < accepted.length && accepted[end]!.at < accepted[start]!.at + 1000) {
        records += 1;
        bytes += accepted[end]!.bytes;
        end += 1;
      }
      expect(records).toBeLessThanOrEqual(50);
      expect(bytes).toBeLessThanOrEqual(5000);
      records -= 1;
      bytes -= accepted[start]!.bytes;
    }
  });

  it('starts afresh when the clock goes back', () => {
    const budget = new ShardWriteBudget(1, 100);
    expect(budget.tryConsume(10_000, 1)).toBe(true);
    expect(budget.tryConsume(10_001, 1)).toBe(false);
    expect(budget.tryConsume(5_000, 1)).toBe(true);
  });
});
