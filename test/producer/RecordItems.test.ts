import type { FlushGroup, QueuedItem } from '../../src/producer/OutgoingRecord.js';
import { OneItem, PackedItems } from '../../src/producer/RecordItems.js';

function queued(
  index: number,
  partitionKey: string,
  group: FlushGroup,
  explicitHashKey?: string,
): QueuedItem<string> {
  return {
    item: `item-${index}`,
    index,
    text: '',
    textBytes: 0,
    partitionKey,
    explicitHashKey,
    size: 10 + index,
    itemCount: 1,
    seq: index + 1,
    flushGroup: group,
  };
}

/** Every item as the reports read it. */
function unpacked(items: PackedItems<string> | OneItem<string>) {
  return Array.from({ length: items.length }, (_, i) => ({
    item: items.item(i),
    index: items.index(i),
    partitionKey: items.partitionKey(i),
    explicitHashKey: items.explicitHashKey(i),
  }));
}

describe('PackedItems', () => {
  it('gives back every item with its own index, partition key and explicit hash key, whatever the room made', () => {
    for (const expected of [0, 1, 3, 10]) {
      const first: FlushGroup = { unsettled: 0 };
      const second: FlushGroup = { unsettled: 0 };
      const entries = [
        queued(4, 'a', first),
        queued(5, 'a', first),
        queued(7, 'b', first),
        queued(8, 'a', second, '123'),
        queued(9, 'a', second),
      ];
      const packed = new PackedItems<string>(expected);
      for (const entry of entries) packed.add(entry);
      packed.seal();
      expect(unpacked(packed)).toEqual(
        entries.map(({ item, index, partitionKey, explicitHashKey }) => ({
          item,
          index,
          partitionKey,
          explicitHashKey,
        })),
      );
      expect(packed.bytes).toBe(14 + 15 + 17 + 18 + 19);
      const runs: [FlushGroup, number][] = [];
      packed.forEachGroup((group, count) => runs.push([group, count]));
      expect(runs).toEqual([
        [first, 3],
        [second, 2],
      ]);
      expect(runs[0]![0]).toBe(first);
      expect(runs[1]![0]).toBe(second);
    }
  });

  it('keeps one key for items that share it and no hash keys when none is given', () => {
    const group: FlushGroup = { unsettled: 0 };
    const packed = new PackedItems<string>(2);
    for (let i = 0; i < 4; i += 1) packed.add(queued(i, 'k', group));
    expect(unpacked(packed).map((entry) => [entry.partitionKey, entry.explicitHashKey])).toEqual(
      new Array(4).fill(['k', undefined]),
    );
  });

  it('holds fewer items than the room made for them', () => {
    const group: FlushGroup = { unsettled: 0 };
    const packed = new PackedItems<string>(5000);
    for (let i = 0; i < 3; i += 1) packed.add(queued(i, 'k', group));
    packed.seal();
    expect(unpacked(packed).map((entry) => [entry.item, entry.index])).toEqual([
      ['item-0', 0],
      ['item-1', 1],
      ['item-2', 2],
    ]);
  });

  it('holds more items than the room first made for them', () => {
    const group: FlushGroup = { unsettled: 0 };
    const packed = new PackedItems<string>(1);
    for (let i = 0; i < 100; i += 1) packed.add(queued(1000 + i, 'k', group));
    packed.seal();
    expect(Array.from({ length: packed.length }, (_, i) => packed.index(i))).toEqual(
      Array.from({ length: 100 }, (_, i) => 1000 + i),
    );
    expect(packed.item(99)).toBe('item-1099');
  });
});

describe('PackedItems.splitOff', () => {
  it('keeps the first items and gives the rest, each with its own index, keys, flush group and bytes', () => {
    const first: FlushGroup = { unsettled: 0 };
    const second: FlushGroup = { unsettled: 0 };
    const entries = [
      queued(0, 'a', first),
      queued(1, 'b', first, '7'),
      queued(2, 'a', second),
      queued(3, 'c', second),
      queued(4, 'a', second, '9'),
    ];
    const expectOf = (list: readonly QueuedItem<string>[]) =>
      list.map(({ item, index, partitionKey, explicitHashKey }) => ({
        item,
        index,
        partitionKey,
        explicitHashKey,
      }));
    const groupsOf = (items: PackedItems<string>) => {
      const runs: [FlushGroup, number][] = [];
      items.forEachGroup((group, count) => runs.push([group, count]));
      return runs;
    };
    for (let n = 0; n <= entries.length; n += 1) {
      const packed = new PackedItems<string>(2);
      for (const entry of entries) packed.add(entry);
      const rest = packed.splitOff(n);
      packed.seal();
      expect(unpacked(packed)).toEqual(expectOf(entries.slice(0, n)));
      expect(unpacked(rest)).toEqual(expectOf(entries.slice(n)));
      const bytes = (list: readonly QueuedItem<string>[]) => list.reduce((sum, entry) => sum + entry.size, 0);
      expect(packed.bytes).toBe(bytes(entries.slice(0, n)));
      expect(rest.bytes).toBe(bytes(entries.slice(n)));
      const counted = (runs: [FlushGroup, number][], group: FlushGroup) =>
        runs.filter(([g]) => g === group).reduce((sum, [, count]) => sum + count, 0);
      expect(counted(groupsOf(packed), first)).toBe(Math.min(n, 2));
      expect(counted(groupsOf(packed), second)).toBe(Math.max(0, n - 2));
      expect(counted(groupsOf(rest), first)).toBe(Math.max(0, 2 - n));
      expect(counted(groupsOf(rest), second)).toBe(3 - Math.max(0, n - 2));
      // The rest goes on taking items.
      rest.add(queued(5, 'a', second));
      expect(rest.index(rest.length - 1)).toBe(5);
    }
  });
});

describe('OneItem', () => {
  it('is the list of its one item', () => {
    const group: FlushGroup = { unsettled: 0 };
    const one = new OneItem(queued(3, 'p', group, '42'));
    expect(unpacked(one)).toEqual([{ item: 'item-3', index: 3, partitionKey: 'p', explicitHashKey: '42' }]);
    expect(one.bytes).toBe(13);
    const runs: [FlushGroup, number][] = [];
    one.forEachGroup((g, count) => runs.push([g, count]));
    expect(runs).toEqual([[group, 1]]);
  });
});
