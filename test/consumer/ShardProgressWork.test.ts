import { ShardProgress } from '../../src/consumer/ShardProgress.js';

// Counts the entries ShardProgress looks at (each look compares two sequence numbers): the
// work of a pass, independent of the machine's speed.
let comparisons = 0;
jest.mock('../../src/consumer/compareSequenceNumbers.js', () => {
  const actual = jest.requireActual<typeof import('../../src/consumer/compareSequenceNumbers.js')>(
    '../../src/consumer/compareSequenceNumbers.js',
  );
  return {
    compareSequenceNumbers: (a: string, b: string): number => {
      comparisons += 1;
      return actual.compareSequenceNumbers(a, b);
    },
  };
});

const sequence = (i: number): string => String(1_000_000 + i);

describe('ShardProgress work per record', () => {
  beforeEach(() => {
    comparisons = 0;
  });

  test('a fast sink passing records one by one behind a slow one looks at each record O(1) times', () => {
    const records = 4000;
    const progress = new ShardProgress();
    for (let i = 0; i < records; i += 1) progress.add(sequence(i), [1, 2]);
    // Sink 1 (slow) holds the first record; sink 2 (fast) passes every record in turn.
    comparisons = 0;
    for (let i = 0; i < records; i += 1) progress.pass(2, sequence(i), undefined);
    expect(progress.size).toBe(records);
    expect(comparisons).toBeLessThan(4 * records);
    // The slow sink catches up: everything leaves flight, committed through the last record.
    comparisons = 0;
    expect(progress.pass(1, sequence(records - 1), undefined)).toBe(records);
    expect(comparisons).toBeLessThan(2 * records);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(records - 1) });
  });

  test('the same holds while records keep arriving and leaving (compaction keeps each sink in place)', () => {
    const progress = new ShardProgress();
    const total = 20_000;
    const window = 3000;
    let added = 0;
    let slow = -1;
    for (let i = 0; i < total; i += 1) {
      progress.add(sequence(added), [1, 2]);
      added += 1;
      progress.pass(2, sequence(i), undefined);
      // The slow sink passes a batch whenever it falls a window behind.
      if (i - slow >= window) {
        slow = i - window / 2;
        progress.pass(1, sequence(slow), undefined);
      }
    }
    expect(progress.committable).toEqual({ sequenceNumber: sequence(slow) });
    expect(progress.size).toBe(added - slow - 1);
    expect(comparisons).toBeLessThan(6 * total);
  });

  test('partly passed aggregates keep their place: later items of the same record are still seen', () => {
    const progress = new ShardProgress();
    for (let i = 0; i < 3; i += 1) progress.add(sequence(i), [1, 2]);
    progress.pass(2, sequence(1), 0);
    progress.pass(2, sequence(1), 4);
    progress.pass(1, sequence(1), 2);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(1), subSequenceNumber: 2 });
    progress.pass(1, sequence(1), 6);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(1), subSequenceNumber: 4 });
    progress.pass(2, sequence(2), undefined);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(1), subSequenceNumber: 6 });
    progress.pass(1, sequence(2), undefined);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(2) });
    expect(progress.size).toBe(0);
  });
});

describe('ShardProgress work per skipped item', () => {
  /** Calls of Set has/delete made by `run`: the skipped items' bookkeeping, whatever the machine's speed. */
  function setLookups(run: () => void): number {
    const has = jest.spyOn(Set.prototype, 'has');
    const remove = jest.spyOn(Set.prototype, 'delete');
    try {
      run();
      return has.mock.calls.length + remove.mock.calls.length;
    } finally {
      has.mockRestore();
      remove.mockRestore();
    }
  }

  test('the items of one record skipped one by one (dead-lettered, filtered out) cost O(1) each', () => {
    // A record of many items none of which reaches checkpoint(): each skip used to walk every
    // skipped item from the passed prefix on, twice, so a 150,000-item KPL record took minutes.
    const items = 2000;
    const progress = new ShardProgress();
    progress.add(sequence(0), [1]);
    progress.add(sequence(1), [1]);
    let left = 0;
    const lookups = setLookups(() => {
      for (let i = 0; i < items; i += 1) {
        left += progress.skip(sequence(0), i, items, 1);
        if (i === items / 2) {
          expect(progress.itemsDone(1, sequence(0))).toBe(i + 1);
          expect(progress.committable).toEqual({ sequenceNumber: sequence(0), subSequenceNumber: i });
        }
      }
    });
    expect(left).toBe(1);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(0) });
    expect(lookups).toBeLessThan(10 * items);
  });

  test('skipped items behind an item still downstream settle once it passes, at O(1) each', () => {
    const items = 2000;
    const progress = new ShardProgress();
    progress.add(sequence(0), [1]);
    // Item 0 is still downstream while every later item is skipped.
    const lookups = setLookups(() => {
      for (let i = 1; i < items; i += 1) progress.skip(sequence(0), i, items, 1);
    });
    expect(progress.size).toBe(1);
    expect(progress.itemsDone(1, sequence(0))).toBe(0);
    expect(progress.pass(1, sequence(0), 0)).toBe(1);
    expect(progress.committable).toEqual({ sequenceNumber: sequence(0) });
    expect(lookups).toBeLessThan(10 * items);
  });
});
