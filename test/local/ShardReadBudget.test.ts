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

  it('throttles the calls after a read that overdraws the byte bucket until it refills', () => {
    const budget = new ShardReadBudget(5, 1000);
    expect(budget.tryCall(0)).toBeUndefined();
    budget.consumeBytes(0, 3000); // 1000 - 3000 = -2000: two seconds of debt
    expect(budget.tryCall(100)).toBe('bytes');
    expect(budget.tryCall(1900)).toBe('bytes');
    expect(budget.tryCall(2000)).toBeUndefined();
  });
});
