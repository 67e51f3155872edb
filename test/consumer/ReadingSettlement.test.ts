import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import { ReadingSettlement } from '../../src/consumer/ReadingSettlement.js';

function setUp(draining = false) {
  const gate = new InFlightGate(100);
  const told: number[] = [];
  const settlement = new ReadingSettlement(
    gate,
    () => told.push(settlement.progress.size),
    () => draining,
  );
  const timers: Array<{ ms: number; callback: () => void; cancelled: boolean }> = [];
  const timer = (ms: number, callback: () => void) => {
    const entry = { ms, callback, cancelled: false };
    timers.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  /** Records delivered and emitted to subscriber 1, counted in the gate as a poller does. */
  const deliver = (...sequenceNumbers: string[]) => {
    gate.settleReservation(gate.reserve(sequenceNumbers.length), sequenceNumbers.length);
    for (const sequenceNumber of sequenceNumbers) settlement.progress.add(sequenceNumber, [1]);
  };
  return { gate, told, settlement, timers, timer, deliver };
}

test('a settlement gives the budget back, wakes the waiters once and tells the reading', () => {
  const t = setUp();
  t.deliver('1', '2');
  const woken: string[] = [];
  t.settlement.whenSettled(() => woken.push('a'));
  const cancel = t.settlement.whenSettled(() => woken.push('b'));
  cancel();
  const { size, items, bytes, undecoded } = t.settlement.progress;
  t.settlement.progress.pass(1, '1', undefined);
  t.settlement.settled(size, items, bytes, undecoded);
  expect(t.gate.inFlight).toBe(1);
  expect(woken).toEqual(['a']);
  expect(t.told).toEqual([1]);
  // Nothing changed and nobody waits: the reading is not told.
  t.settlement.settle(() => 0);
  expect(t.told).toEqual([1]);
});

test('a draining reading is told of every settlement, even one that changed nothing', () => {
  const t = setUp(true);
  t.settlement.settle(() => 0);
  expect(t.told).toEqual([0]);
});

test('after a lost lease the records keep their budget until they settle; the hold then ends', () => {
  const t = setUp();
  t.deliver('1', '2');
  t.settlement.hold(t.timer, 30_000);
  expect(t.settlement.holding).toBe(true);
  expect(t.timers.map((entry) => entry.ms)).toEqual([30_000]);
  expect(t.gate.inFlight).toBe(2);
  t.settlement.settle(() => t.settlement.progress.pass(1, '2', undefined));
  expect(t.gate.inFlight).toBe(0);
  expect(t.settlement.holding).toBe(false);
  expect(t.timers[0]?.cancelled).toBe(true);
});

test('held records that never settle are given back when the hold is released (time up or stop), once', () => {
  const t = setUp();
  t.deliver('1', '2');
  t.settlement.hold(t.timer, 30_000);
  t.timers[0]?.callback();
  expect(t.gate.inFlight).toBe(0);
  expect(t.settlement.holding).toBe(false);
  t.settlement.releaseHeld();
  expect(t.gate.inFlight).toBe(0);
  // Nothing in flight: nothing to hold.
  t.settlement.hold(t.timer, 30_000);
  expect(t.settlement.holding).toBe(false);
  expect(t.timers).toHaveLength(1);
});
