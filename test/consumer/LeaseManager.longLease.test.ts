// A lease duration longer than a timer can wait (2^31 - 1 ms, about 24.8 days). Node (and jest's
// fake timers, which copy it) runs a longer timer after 1 ms: the watchdog that declares the lease
// lost at its deadline fired at once, found the deadline not passed and was not armed again, so a
// lease whose renewal never answered was never given up; and a lease duration past three such
// delays renewed every millisecond.
import { asyncScheduler } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';
import { MAX_TIMER_MS } from '../../src/kinesis/callDeadline.js';

const SHARD = 'shardId-000000000000';

/** A memory checkpointer whose renewals are counted, and never answered once `hang` is set. */
class RenewalSpy extends MemoryCheckpointer {
  renewals = 0;
  hang = false;

  override renewLease(lease: Lease): Promise<Lease> {
    this.renewals += 1;
    return this.hang ? new Promise<Lease>(() => undefined) : super.renewLease(lease);
  }
}

function manager(checkpointer: MemoryCheckpointer) {
  const events: ConsumerEvent['type'][] = [];
  const lost: string[] = [];
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w1',
    scheduler: asyncScheduler,
    onEvent: (event) => events.push(event.type),
    onLost: (shardId) => lost.push(shardId),
  });
  return { leases, events, lost };
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

test('a lease longer than a timer can wait, whose renewal never answers, is lost at its deadline', async () => {
  const durationMs = 2 * MAX_TIMER_MS + 1000;
  const checkpointer = new RenewalSpy({ leaseDurationMs: durationMs });
  checkpointer.hang = true;
  const { leases, events, lost } = manager(checkpointer);
  await leases.acquire(SHARD);

  await jest.advanceTimersByTimeAsync(durationMs - 10);
  expect(lost).toEqual([]);
  expect(checkpointer.renewals).toBe(1);

  await jest.advanceTimersByTimeAsync(20);
  expect(lost).toEqual([SHARD]);
  expect(events).toEqual(['lease-acquired', 'lease-lost']);
  await leases.releaseAll();
});

test('a lease longer than three timer delays is renewed every timer delay, not every millisecond', async () => {
  const durationMs = 4 * MAX_TIMER_MS;
  const checkpointer = new RenewalSpy({ leaseDurationMs: durationMs });
  const { leases, lost } = manager(checkpointer);
  await leases.acquire(SHARD);

  await jest.advanceTimersByTimeAsync(1000);
  expect(checkpointer.renewals).toBe(0);
  await jest.advanceTimersByTimeAsync(MAX_TIMER_MS - 1000);
  expect(checkpointer.renewals).toBe(1);
  await jest.advanceTimersByTimeAsync(3 * MAX_TIMER_MS);
  expect(checkpointer.renewals).toBe(4);
  expect(lost).toEqual([]);
  expect(leases.get(SHARD)).toBeDefined();
  await leases.releaseAll();
});
