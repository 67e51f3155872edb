import { VirtualTimeScheduler } from 'rxjs';
import { LeaseExpiry } from '../../src/consumer/LeaseExpiry.js';
import { MAX_TIMER_MS } from '../../src/kinesis/callDeadline.js';

test('runs out after its duration as the timers count it, in steps of the longest timer delay', () => {
  const scheduler = new VirtualTimeScheduler(undefined, Number.POSITIVE_INFINITY);
  const durationMs = 2 * MAX_TIMER_MS + 5;
  const expiry = new LeaseExpiry(scheduler, durationMs);
  let at: number | undefined;
  expiry.whenExpired(() => (at = scheduler.now()));
  scheduler.flush();
  expect(expiry.expired).toBe(true);
  expect(at).toBe(durationMs);
});

test('cancelled: never calls back', () => {
  const scheduler = new VirtualTimeScheduler();
  const expiry = new LeaseExpiry(scheduler, 1000);
  const calls: string[] = [];
  expiry.whenExpired(() => calls.push('expired'));
  expiry.cancel();
  scheduler.flush();
  expect(calls).toEqual([]);
});

test('asked once it already ran out: calls back on the next timer turn, not at once', () => {
  const scheduler = new VirtualTimeScheduler();
  const expiry = new LeaseExpiry(scheduler, 1000);
  scheduler.flush();
  const calls: string[] = [];
  expiry.whenExpired(() => calls.push('expired'));
  expect(calls).toEqual([]);
  scheduler.flush();
  expect(calls).toEqual(['expired']);
});
