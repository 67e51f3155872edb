import { steadyNow } from '../../../src/checkpointers/dynamodb/steadyNow';

describe('steadyNow', () => {
  it('gives whole epoch milliseconds near the wall clock', () => {
    const value = steadyNow();
    expect(Number.isInteger(value)).toBe(true);
    // The two clocks part only by the wall clock's steps since the process started.
    expect(Math.abs(value - Date.now())).toBeLessThan(60_000);
  });

  it('never goes back, however often it is read', () => {
    let last = steadyNow();
    for (let i = 0; i < 100_000; i += 1) {
      const value = steadyNow();
      expect(value >= last).toBe(true);
      last = value;
    }
  });

  it('is not moved by a step of the wall clock', () => {
    const before = steadyNow();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 3_600_000);
    try {
      expect(steadyNow() - before).toBeLessThan(60_000);
    } finally {
      spy.mockRestore();
    }
  });
});
