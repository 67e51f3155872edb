import { InFlightGate } from '../../src/consumer/InFlightGate.js';

test('reservations and records in flight never exceed the limit; waiters run when room frees', () => {
  const gate = new InFlightGate(10);
  expect(gate.reserve(8)).toBe(8);
  expect(gate.reserve(8)).toBe(2);
  expect(gate.reserve(1)).toBe(0);
  const woken = jest.fn();
  gate.whenRoom(woken);
  gate.settleReservation(8, 8); // 8 records arrived
  expect(woken).not.toHaveBeenCalled();
  gate.settleReservation(2, 0); // 2 reserved, none arrived
  expect(woken).toHaveBeenCalledTimes(1);
  expect(gate.inFlight).toBe(8);
  gate.release(3);
  expect(gate.free).toBe(5);
  expect(gate.peakInFlight).toBe(8);
});

test('the items left bound the slots granted: each record is at least one item, reserved ones too', () => {
  // maxQueueItems below maxQueueSize: a call may not bring more plain records than items are left.
  const gate = new InFlightGate({ records: 1000, items: 40 });
  expect(gate.reserve(500)).toBe(40);
  expect(gate.reserve(1)).toBe(0);
  gate.settleReservation(40, 30); // 30 records arrived, 10 slots given back
  expect(gate.inFlightItems).toBe(30);
  expect(gate.reserve(500)).toBe(10);
  gate.settleReservation(10, 10);
  expect(gate.inFlightItems).toBe(40);
  expect(gate.free).toBe(0);
  gate.release(25);
  expect(gate.reserve(500)).toBe(25);
});

test('items and bytes bound the budget too: a full count of either closes it until released', () => {
  const gate = new InFlightGate({ records: 100, items: 1000, bytes: 10_000 });
  expect(gate.reserve(10)).toBe(10);
  gate.settleReservation(10, 2, 4000); // 2 records of 4,000 bytes in all
  expect(gate.inFlightItems).toBe(2);
  gate.addItems(998); // one of them turned out to hold 999 items
  expect(gate.inFlightItems).toBe(1000);
  const full = jest.fn();
  gate.onFull = full;
  expect(gate.free).toBe(0);
  expect(gate.reserve(1)).toBe(0);
  expect(full).toHaveBeenCalledTimes(1);
  const woken = jest.fn();
  gate.whenRoom(woken);
  gate.release(1, 999, 2000);
  expect(woken).toHaveBeenCalledTimes(1);
  expect(gate.free).toBe(99);
  gate.settleReservation(0, 0, 8000); // bytes alone reach the limit
  expect(gate.inFlightBytes).toBe(10_000);
  expect(gate.reserve(1)).toBe(0);
});

test('a per-shard budget grows with the shards read, from its floor up to the item limit', () => {
  const gate = new InFlightGate({ records: 10_000, items: 100_000, recordsPerShard: 10_000 });
  expect(gate.limit).toBe(10_000);
  gate.sizeFor(1);
  expect(gate.limit).toBe(10_000);
  expect(gate.reserve(10_000)).toBe(10_000);
  const woken = jest.fn();
  gate.whenRoom(woken);
  gate.sizeFor(4); // four shards: a full page each
  expect(gate.limit).toBe(40_000);
  expect(woken).toHaveBeenCalledTimes(1);
  expect(gate.free).toBe(30_000);
  gate.sizeFor(64); // never past the item limit
  expect(gate.limit).toBe(100_000);
  gate.sizeFor(0); // no shard left: back to the floor
  expect(gate.limit).toBe(10_000);
  const fixed = new InFlightGate({ records: 500, items: 100_000 });
  fixed.sizeFor(64); // a given maxQueueSize stays as given
  expect(fixed.limit).toBe(500);
});

test('once record sizes are known, a byte limit caps the slots a call reserves, reservations counted too', () => {
  const gate = new InFlightGate({ records: 1000, bytes: 10_000 });
  gate.settleReservation(gate.reserve(10), 10, 5000); // records of 500 bytes on average
  expect(gate.reserve(100)).toBe(10); // 5,000 bytes left: 10 records of 500
  expect(gate.reserve(100)).toBe(0); // the reservation above counts
  gate.settleReservation(10, 0);
  gate.release(10, 10, 5000);
  expect(gate.reserve(100)).toBe(20);
  gate.settleReservation(20, 0);
  // Records larger than the whole limit: one at a time, never none.
  const big = new InFlightGate({ records: 1000, bytes: 1000 });
  big.settleReservation(big.reserve(1), 1, 5000);
  expect(big.reserve(10)).toBe(0);
  big.release(1, 1, 5000);
  expect(big.reserve(10)).toBe(1);
});

test('half empty counts the bytes of reserved slots as reserve() does: a byte budget taken by calls under way is not half empty', () => {
  // Polling shards reserve slots for their GetRecords calls: with a byte limit those slots count
  // at the average record size, so the budget can be full with few bytes held. Taken for half
  // empty, a subscriber-behind episode ended and began again at each settled record (23 events
  // for one steadily slow subscriber of 16 shards with maxQueueBytes).
  const gate = new InFlightGate({ records: 1000, bytes: 10_000 });
  gate.settleReservation(gate.reserve(10), 10, 5000); // records of 500 bytes on average
  gate.release(10, 10, 5000);
  expect(gate.halfEmpty).toBe(true);
  expect(gate.reserve(100)).toBe(20); // calls under way hold the whole byte budget
  expect(gate.reserve(1)).toBe(0);
  expect(gate.halfEmpty).toBe(false);
  gate.settleReservation(20, 10, 5000); // half of it arrived, the rest freed
  expect(gate.halfEmpty).toBe(true);
  expect(gate.reserve(1)).toBe(1);
  expect(gate.halfEmpty).toBe(false);
});

test('with a byte limit, a call reserves no more records than a page (10 MiB) holds at the average size', () => {
  const gate = new InFlightGate({ records: 100_000, bytes: 256 * 1024 * 1024 });
  gate.settleReservation(gate.reserve(1), 1, 1024 * 1024); // records of 1 MiB
  gate.release(1, 1, 1024 * 1024);
  // Four shards ask at once: each gets a page's worth, none is kept waiting by another's call.
  expect([gate.reserve(10_000), gate.reserve(10_000), gate.reserve(10_000), gate.reserve(10_000)]).toEqual([
    10, 10, 10, 10,
  ]);
});

test('the average record size follows the recent records', () => {
  const gate = new InFlightGate({ records: 1_000_000, bytes: 1_000_000 });
  const arrive = (records: number, bytes: number): void => {
    gate.settleReservation(gate.reserve(records), records, bytes);
    gate.release(records, records, bytes);
  };
  // 100,000 records of 10 bytes, then 40,000 of 1,000 bytes.
  for (let i = 0; i < 100; i += 1) arrive(1000, 10_000);
  for (let i = 0; i < 40; i += 1) arrive(1000, 1_000_000);
  // Sized by the large records (about 1,000 bytes each), not by all of them (about 290 each).
  expect(gate.reserve(100_000)).toBeLessThanOrEqual(1100);
});

test('records not decoded yet count at the items per record decoded lately, reserved slots too', () => {
  const gate = new InFlightGate({ records: 1000, items: 100 });
  // Nothing decoded yet: a record counts as one item.
  expect(gate.reserve(500)).toBe(100);
  gate.settleReservation(100, 10);
  expect(gate.inFlightItems).toBe(10);
  // The first record decoded holds 20 items: the 9 others count 20 each too.
  gate.decoded(1, 19, 20);
  expect(gate.itemsPerRecordEstimate).toBe(20);
  expect(gate.inFlightItems).toBe(200);
  expect(gate.free).toBe(0);
  expect(gate.reserve(1)).toBe(0);
  // 8 of them leave (undecoded): 2 records of 20 items held, 60 items left: 3 records of 20.
  gate.release(8, 8, 0, 8);
  expect(gate.inFlightItems).toBe(40);
  expect(gate.reserve(500)).toBe(3);
  expect(gate.reserve(500)).toBe(0);
  // The decoded record leaves (with its 20 items): one more slot.
  gate.release(1, 20, 0, 0);
  expect(gate.reserve(500)).toBe(1);
  expect(gate.halfEmpty).toBe(false);
});

test('the items-per-record estimate rises at once and falls step by step, down to exactly one', () => {
  const gate = new InFlightGate({ records: 10_000, items: 1000 });
  gate.reserve(10);
  gate.settleReservation(10, 10);
  gate.decoded(1, 0, 1);
  expect(gate.itemsPerRecordEstimate).toBe(1);
  gate.decoded(1, 199, 200);
  // Half way up at once.
  expect(gate.itemsPerRecordEstimate).toBeCloseTo(100.5);
  gate.decoded(1, 199, 200);
  expect(gate.itemsPerRecordEstimate).toBeGreaterThan(150);
  let steps = 0;
  while (gate.itemsPerRecordEstimate > 1) {
    gate.decoded(1, 0, 1);
    steps += 1;
    // A lone small record does not open the budget.
    if (steps === 10) expect(gate.itemsPerRecordEstimate).toBeGreaterThan(40);
    expect(steps).toBeLessThan(3000);
  }
  // A run of them brings it back to exactly one (over the mean of the last few hundred records).
  expect(gate.itemsPerRecordEstimate).toBe(1);
});

test('records of mixed sizes count at least at their mean: a large record now and then is not forgotten', () => {
  const gate = new InFlightGate({ records: 100_000, items: 2000 });
  gate.reserve(1);
  gate.settleReservation(1, 1);
  // One record of 1,000 items, then 100 of one item, again and again: 10.9 items a record.
  let lowest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 40; round += 1) {
    gate.decoded(1, 0, 1000);
    for (let i = 0; i < 100; i += 1) {
      gate.decoded(1, 0, 1);
      if (round >= 10) lowest = Math.min(lowest, gate.itemsPerRecordEstimate);
    }
  }
  expect(lowest).toBeGreaterThan(7);
});

test('a record another deserialize() found larger counts at its larger size: the estimate follows it', () => {
  // Two subscribers decode each record: the first one as one item (the record whole), the
  // second as 20 (its lines). The estimate followed the first decoding only and stayed at one.
  const gate = new InFlightGate({ records: 1000, items: 100 });
  const oneRecord = (): void => {
    gate.reserve(1);
    gate.settleReservation(1, 1);
    gate.decoded(1, 0, 1);
    gate.decoded(0, 19, 20);
  };
  oneRecord();
  expect(gate.itemsPerRecordEstimate).toBe(20);
  gate.release(1, 20, 0, 0);
  for (let i = 0; i < 300; i += 1) {
    oneRecord();
    gate.release(1, 20, 0, 0);
  }
  expect(gate.itemsPerRecordEstimate).toBe(20);
  // 100 items: 5 records of 20, not 100 of one.
  expect(gate.reserve(500)).toBe(5);
});

test('a record that fits only in part is granted: a pipeline waiting for maxQueueItems items gets them', () => {
  const gate = new InFlightGate({ records: 1000, items: 50 });
  expect(gate.reserve(1)).toBe(1);
  gate.settleReservation(1, 1);
  gate.decoded(1, 19, 20);
  // 30 items left: 2 records of 20 (the second fits in part).
  expect(gate.reserve(500)).toBe(2);
  gate.settleReservation(2, 2);
  gate.decoded(1, 19, 20);
  gate.decoded(1, 19, 20);
  expect(gate.inFlightItems).toBe(60);
  expect(gate.reserve(1)).toBe(0);
});

test('one slot is free when nothing is held or reserved, whatever the items per record', () => {
  const gate = new InFlightGate({ records: 1000, items: 50 });
  expect(gate.reserve(1)).toBe(1);
  gate.settleReservation(1, 1);
  gate.decoded(1, 499, 500);
  expect(gate.inFlightItems).toBe(500);
  expect(gate.reserve(1)).toBe(0);
  const woken = jest.fn();
  gate.whenRoom(woken);
  gate.release(1, 500, 0, 0);
  expect(woken).toHaveBeenCalledTimes(1);
  expect(gate.reserve(10)).toBe(1);
});

test('the limit told is the item limit when that is lower than the record limit (a record is an item or more)', () => {
  const scaled = new InFlightGate({ records: 10_000, items: 500, recordsPerShard: 10_000 });
  scaled.sizeFor(4);
  expect(scaled.limit).toBe(500);
  expect(scaled.reserve(10_000)).toBe(500);
  const given = new InFlightGate({ records: 2_000, items: 300 });
  expect(given.limit).toBe(300);
  expect(given.reserve(2_000)).toBe(300);
});
