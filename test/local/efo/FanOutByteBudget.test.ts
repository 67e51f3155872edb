import { FanOutByteBudget } from '../../../src/local/efo/FanOutByteBudget.js';

describe('FanOutByteBudget', () => {
  it('holds one second of bytes, lets one event overdraw it, and refills at the rate', () => {
    const budget = new FanOutByteBudget(1000);
    expect(budget.available(0)).toBe(1000);
    budget.consume(0, 600);
    expect(budget.available(0)).toBe(400);
    expect(budget.waitMs(0)).toBe(0);
    // An event larger than what is left drives the bucket below zero...
    budget.consume(0, 650);
    expect(budget.available(0)).toBe(0);
    // ...and the next one waits until it is back at zero: 250 bytes at 1000/s.
    expect(budget.waitMs(0)).toBe(250);
    expect(budget.waitMs(100)).toBe(150);
    expect(budget.waitMs(250)).toBe(0);
    expect(budget.available(750)).toBe(500);
    // Never more than one second's worth, however long the pause.
    expect(budget.available(60_000)).toBe(1000);
  });

  it('ignores a clock that goes back', () => {
    const budget = new FanOutByteBudget(1000);
    budget.consume(1000, 1000);
    expect(budget.available(500)).toBe(0);
    expect(budget.available(1500)).toBe(500);
  });
});
