import { ShardWriteBudget } from '../../src/local/ShardWriteBudget.js';

describe('ShardWriteBudget', () => {
  it('accepts up to the record budget per 1-second window, then again in the next window', () => {
    const budget = new ShardWriteBudget(3, 1_000_000);
    const results = [0, 100, 200, 300].map((now) => budget.tryConsume(now, 10));
    expect(results).toEqual([true, true, true, false]);
    expect(budget.tryConsume(999, 10)).toBe(false);
    expect(budget.tryConsume(1000, 10)).toBe(true);
  });

  it('accepts up to the byte budget per window, counting each record whole', () => {
    const budget = new ShardWriteBudget(1000, 100);
    expect(budget.tryConsume(5000, 60)).toBe(true);
    expect(budget.tryConsume(5001, 50)).toBe(false);
    expect(budget.tryConsume(5002, 40)).toBe(true);
    expect(budget.tryConsume(5003, 1)).toBe(false);
    expect(budget.tryConsume(6000, 100)).toBe(true);
  });
});
