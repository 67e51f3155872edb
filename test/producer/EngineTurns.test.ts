import { EngineTurns } from '../../src/producer/EngineTurns.js';

describe('EngineTurns', () => {
  it('runs work put off inside nested turns once the outermost turn is over', () => {
    const order: string[] = [];
    const turns = new EngineTurns(() => order.push('failed'));
    turns.run(() => {
      order.push('outer');
      turns.run(() => {
        turns.afterTurn(() => order.push('deferred'));
        order.push('inner');
      });
      order.push('outer again');
    });
    expect(order).toEqual(['outer', 'inner', 'outer again', 'deferred']);
  });

  it('runs work at once outside a turn', () => {
    const order: string[] = [];
    const turns = new EngineTurns(() => order.push('failed'));
    turns.afterTurn(() => order.push('now'));
    expect(order).toEqual(['now']);
  });

  it('hands a throw to failed, and still runs what was put off', () => {
    const failures: unknown[] = [];
    const order: string[] = [];
    const turns = new EngineTurns((error) => failures.push(error));
    const boom = new Error('boom');
    turns.run(() => {
      turns.afterTurn(() => order.push('deferred'));
      throw boom;
    });
    expect(failures).toEqual([boom]);
    expect(order).toEqual(['deferred']);
    // The turn count is back to zero: later work put off outside a turn runs at once.
    turns.afterTurn(() => order.push('later'));
    expect(order).toEqual(['deferred', 'later']);
  });
});
