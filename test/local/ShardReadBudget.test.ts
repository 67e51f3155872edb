import { ShardReadBudget } from '../../src/local/ShardReadBudget.js';

describe('ShardReadBudget', () => {
  it('allows 5 calls in any sliding second and refuses the 6th', () => {
    const budget = new ShardReadBudget(5, 2 * 1024 * 1024);
    for (const now of [0, 100, 200, 300, 400]) expect(budget.tryCall(now)).toBeUndefined();
    expect(budget.tryCall(999)).toBe('calls');
    // The call at 0 leaves the window at 1000; the one at 100 at 1100.
    expect(budget.tryCall(1000)).toBeUndefined();
    expect(budget.tryCall(1001)).toBe('calls');
    expect(budget.tryCall(1100)).toBeUndefined();
  });

  it('throttles the calls after a read larger than the byte bucket for as long as its bytes take', () => {
    const budget = new ShardReadBudget(5, 1000);
    expect(budget.tryCall(0)).toBeUndefined();
    // More than the bucket's 1000: what it held is forfeited, three seconds of debt.
    budget.consumeBytes(0, 3000);
    expect(budget.tryCall(100)).toBe('bytes');
    expect(budget.tryCall(2999)).toBe('bytes');
    expect(budget.tryCall(3000)).toBeUndefined();
  });

  it('throttles the 5 seconds after a 10 MiB read at 2 MiB/s, as AWS documents', () => {
    const mib = 1024 * 1024;
    const budget = new ShardReadBudget(5, 2 * mib);
    expect(budget.tryCall(0)).toBeUndefined();
    budget.consumeBytes(0, 10 * mib);
    expect(budget.tryCall(4999)).toBe('bytes');
    expect(budget.tryCall(5000)).toBeUndefined();
  });

  it('takes reads within the bucket from it without throttling', () => {
    const budget = new ShardReadBudget(5, 1000);
    expect(budget.tryCall(0)).toBeUndefined();
    budget.consumeBytes(0, 600);
    expect(budget.tryCall(10)).toBeUndefined();
    budget.consumeBytes(10, 400); // the bucket now empty, not in debt
    expect(budget.tryCall(20)).toBeUndefined();
    budget.consumeBytes(20, 100); // past it: 100 bytes of debt, a tenth of a second
    expect(budget.tryCall(119)).toBe('bytes');
    expect(budget.tryCall(120)).toBeUndefined();
  });
});
