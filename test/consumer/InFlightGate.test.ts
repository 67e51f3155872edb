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
