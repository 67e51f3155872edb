import { ShardProgress } from '../../src/consumer/ShardProgress.js';

describe('ShardProgress', () => {
  test('commits the longest prefix every sink has passed, never ahead of a pending record', () => {
    const progress = new ShardProgress();
    for (const seq of ['10', '20', '30']) progress.add(seq, [1, 2]);
    expect(progress.pass(1, '30', undefined)).toBe(0);
    expect(progress.committable).toBeUndefined();
    expect(progress.pass(2, '10', undefined)).toBe(1);
    expect(progress.committable).toEqual({ sequenceNumber: '10' });
    expect(progress.dirty).toBe(true);
    progress.markWritten({ sequenceNumber: '10' });
    expect(progress.dirty).toBe(false);
    expect(progress.pass(2, '30', undefined)).toBe(2);
    expect(progress.committable).toEqual({ sequenceNumber: '30' });
    expect(progress.size).toBe(0);
  });

  test('a partly passed aggregated record gives a sub-sequence position (lowest over sinks)', () => {
    const progress = new ShardProgress();
    progress.add('5', [1]);
    progress.add('9', [1]);
    progress.pass(1, '5', 2);
    expect(progress.committable).toEqual({ sequenceNumber: '5', subSequenceNumber: 2 });
    progress.pass(1, '9', 0);
    expect(progress.committable).toEqual({ sequenceNumber: '9', subSequenceNumber: 0 });
    expect(progress.size).toBe(1);
  });

  test('orders sequence numbers numerically, not as text', () => {
    const progress = new ShardProgress();
    progress.add('99', [1]);
    progress.add('100', [1]);
    progress.pass(1, '99', undefined);
    expect(progress.committable).toEqual({ sequenceNumber: '99' });
    expect(progress.size).toBe(1);
  });

  test('removing a sink releases what only it held; clear drops everything without committing', () => {
    const progress = new ShardProgress();
    progress.add('1', [1, 2]);
    progress.pass(2, '1', undefined);
    expect(progress.removeSink(1)).toBe(1);
    progress.add('2', [2]);
    expect(progress.clear()).toBe(1);
    expect(progress.committable).toEqual({ sequenceNumber: '1' });
  });
});
