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

  test('holdsAlone: a sink not done with a record that no staying sink received', () => {
    const progress = new ShardProgress();
    progress.add('1', [1]);
    progress.add('2', [1, 2]);
    const stays = (id: number) => id === 2;
    // Record 1 reached sink 1 alone: forgetting sink 1 would commit it unprocessed.
    expect(progress.holdsAlone(1, stays)).toBe(true);
    expect(progress.holdsAlone(1, () => false)).toBe(true);
    expect(progress.holdsAlone(2, (id) => id === 1)).toBe(false);
    progress.pass(1, '1', undefined);
    // Record 2 reached sink 2 as well, which stays: it is settled on its word.
    expect(progress.holdsAlone(1, stays)).toBe(false);
    // Unless sink 2 is leaving too.
    expect(progress.holdsAlone(1, () => false)).toBe(true);
  });

  test('holdsBefore: a record, or an item, before a position that the sink is not done with', () => {
    const progress = new ShardProgress();
    for (const seq of ['10', '20', '30']) progress.add(seq, [1, 2]);
    expect(progress.holdsBefore(1, '10', undefined)).toBe(false);
    expect(progress.holdsBefore(1, '20', undefined)).toBe(true);
    progress.pass(1, '10', undefined);
    expect(progress.holdsBefore(1, '20', undefined)).toBe(false);
    // Sink 2 still holds record 10; sink 1 is done with it.
    expect(progress.holdsBefore(2, '20', undefined)).toBe(true);
    // Items of record 20: item 2 waits for items 0 and 1.
    progress.pass(1, '20', 0);
    expect(progress.holdsBefore(1, '20', 1)).toBe(false);
    expect(progress.holdsBefore(1, '20', 2)).toBe(true);
    progress.skip('20', 1, 3, 1);
    expect(progress.holdsBefore(1, '20', 2)).toBe(false);
    expect(progress.holdsBefore(1, '99', undefined)).toBe(true);
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

  describe('skip (an item dropped before the sink)', () => {
    test('settles only its own record, never the records before it', () => {
      const progress = new ShardProgress();
      for (const seq of ['1', '2', '3']) progress.add(seq, [1]);
      // '1' may still be in a slow stage downstream: skipping '3' must not commit past it.
      expect(progress.skip('3', undefined, 1, 1)).toBe(0);
      expect(progress.committable).toBeUndefined();
      expect(progress.size).toBe(3);
      expect(progress.skip('2', 0, 1, 1)).toBe(0);
      expect(progress.committable).toBeUndefined();
      // '1' passes: the contiguous prefix now runs through the skipped '2' and '3'.
      expect(progress.pass(1, '1', undefined)).toBe(3);
      expect(progress.committable).toEqual({ sequenceNumber: '3' });
      expect(progress.size).toBe(0);
    });

    test('the last records of a shard, all skipped, leave flight (nothing later settles them)', () => {
      const progress = new ShardProgress();
      for (const seq of ['1', '2', '3']) progress.add(seq, [1]);
      progress.pass(1, '1', undefined);
      progress.skip('2', undefined, 1, 1);
      expect(progress.skip('3', undefined, 1, 1)).toBe(1);
      expect(progress.size).toBe(0);
      expect(progress.committable).toEqual({ sequenceNumber: '3' });
    });

    test('targets one sink: others still wait; without a sink id it settles every sink', () => {
      const progress = new ShardProgress();
      progress.add('1', [1, 2]);
      progress.add('2', [1, 2]);
      expect(progress.skip('1', undefined, 1, 1)).toBe(0);
      expect(progress.size).toBe(2);
      expect(progress.skip('1', undefined, 1, 7)).toBe(0); // not a sink of the record: no effect
      expect(progress.skip('1', undefined, 1, 2)).toBe(1);
      expect(progress.skip('2', undefined, 1)).toBe(1);
      expect(progress.size).toBe(0);
    });

    test('an aggregated record is done once its passed prefix and skipped items cover every item', () => {
      const progress = new ShardProgress();
      progress.add('5', [1]);
      progress.add('6', [1]);
      progress.skip('5', 1, 4, 1);
      progress.skip('5', 3, 4, 1);
      // Items 1 and 3 skipped, 0 and 2 not done: no position inside the record yet.
      expect(progress.committable).toBeUndefined();
      progress.pass(1, '5', 0);
      // 0 passed + 1 skipped: items 0..1 done; 2 is not, so 3 does not count yet.
      expect(progress.committable).toEqual({ sequenceNumber: '5', subSequenceNumber: 1 });
      expect(progress.size).toBe(2);
      expect(progress.pass(1, '5', 2)).toBe(1);
      expect(progress.committable).toEqual({ sequenceNumber: '5' });
      expect(progress.size).toBe(1);
    });

    test('an aggregated record whose last items are all skipped leaves flight', () => {
      const progress = new ShardProgress();
      progress.add('5', [1]);
      progress.pass(1, '5', 0);
      progress.skip('5', 1, 3, 1);
      expect(progress.size).toBe(1);
      expect(progress.committable).toEqual({ sequenceNumber: '5', subSequenceNumber: 1 });
      expect(progress.skip('5', 2, 3, 1)).toBe(1);
      expect(progress.size).toBe(0);
      expect(progress.committable).toEqual({ sequenceNumber: '5' });
    });

    test('items done before a resume count as done', () => {
      const progress = new ShardProgress();
      progress.add('5', [1]);
      // Resumed after item 1 of 3: skipping item 2 completes the record.
      expect(progress.skip('5', 2, 3, 1, 1)).toBe(1);
      expect(progress.committable).toEqual({ sequenceNumber: '5' });
    });

    test('a prefix pass of a later record still settles earlier skipped items', () => {
      const progress = new ShardProgress();
      progress.add('5', [1]);
      progress.add('6', [1]);
      progress.skip('5', 2, 3, 1);
      expect(progress.pass(1, '6', undefined)).toBe(2);
      expect(progress.committable).toEqual({ sequenceNumber: '6' });
    });

    test('skipping a record no longer in flight does nothing', () => {
      const progress = new ShardProgress();
      progress.add('1', [1]);
      progress.pass(1, '1', undefined);
      expect(progress.skip('1', undefined, 1, 1)).toBe(0);
      expect(progress.skip('9', 0, 2)).toBe(0);
      expect(progress.committable).toEqual({ sequenceNumber: '1' });
    });
  });

  test.each([3, 30, 31, 45])(
    'a record emitted to %i sinks waits for every one of them, and is settled by each one once',
    (sinks) => {
      const ids = Array.from({ length: sinks }, (_, k) => 101 + k * 7);
      const progress = new ShardProgress();
      progress.add('10', ids);
      progress.add('20', ids);
      // Each sink but the last passes the first record (twice: a second pass changes nothing).
      for (const id of ids.slice(0, -1)) {
        expect(progress.pass(id, '10', undefined)).toBe(0);
        expect(progress.pass(id, '10', undefined)).toBe(0);
        expect(progress.itemsDone(id, '10')).toBe(Number.POSITIVE_INFINITY);
      }
      const last = ids[sinks - 1] as number;
      expect(progress.itemsDone(last, '10')).toBe(0);
      expect(progress.holds(last)).toBe(true);
      expect(progress.pendingFor(last)).toBe(2);
      expect(progress.pendingFor(ids[0] as number)).toBe(1);
      // A sink that never received the records changes nothing.
      expect(progress.pass(99, '20', undefined)).toBe(0);
      expect(progress.committable).toBeUndefined();
      expect(progress.pass(last, '10', undefined)).toBe(1);
      expect(progress.committable).toEqual({ sequenceNumber: '10' });
      // Items of the second record: the position is the lowest every pending sink passed.
      for (const id of ids) progress.pass(id, '20', id === last ? 1 : 3);
      expect(progress.committable).toEqual({ sequenceNumber: '20', subSequenceNumber: 1 });
      // Skipping for every sink at once settles it whole.
      expect(progress.skip('20', undefined, 1)).toBe(1);
      expect(progress.committable).toEqual({ sequenceNumber: '20' });
      expect(progress.size).toBe(0);
    },
  );
});
