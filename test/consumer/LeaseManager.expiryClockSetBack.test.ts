// A lease's local deadline is the time its last confirmed renewal was sent plus the lease
// duration. A wall clock (the scheduler's now()) set back while renewals fail must not push that
// deadline back: the lease counts as lost one lease duration after the send, as the store's own
// expiry has it, not once the clock caught up again (another worker may hold the shard by then).
import { TestScheduler } from 'rxjs/testing';
import type { SchedulerLike } from 'rxjs';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { LeaseManager } from '../../src/consumer/LeaseManager.js';

const SHARD = 'shardId-000000000000';
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

function setUp() {
  const virtual = new TestScheduler((a, b) => expect(a).toEqual(b));
  let setBack = 0;
  // Virtual time whose now() (the wall clock) can be set back; its timers run on virtual time.
  const scheduler: SchedulerLike = {
    now: () => 1_700_000_000_000 + virtual.now() - setBack,
    schedule: virtual.schedule.bind(virtual) as SchedulerLike['schedule'],
  };
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 9_000, now: () => virtual.now() });
  let outage = false;
  let pending: (() => void) | undefined;
  const renewLease = checkpointer.renewLease.bind(checkpointer);
  checkpointer.renewLease = (lease: Lease) => {
    if (outage)
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    if (pending === undefined) return renewLease(lease);
    // Held until the test answers it.
    return new Promise((resolve, reject) => (pending = () => renewLease(lease).then(resolve, reject)));
  };
  const events: ConsumerEvent[] = [];
  const leases = new LeaseManager({
    checkpointer,
    streamName: 'orders',
    workerId: 'w1',
    scheduler,
    onEvent: (event) => events.push(event),
    onLost: () => undefined,
  });
  /** Runs `ms` of virtual time: the timers due, and the promise callbacks they cause. */
  const advance = async (ms: number) => {
    const target = virtual.frame + ms;
    while (virtual.frame < target) {
      virtual.maxFrames = Math.min(target, virtual.frame + 100);
      virtual.flush();
      virtual.frame = virtual.maxFrames;
      await settle();
    }
  };
  return {
    leases,
    events,
    advance,
    setBack: (ms: number) => (setBack += ms),
    failRenewals: () => (outage = true),
    holdRenewals: () => (pending = () => undefined),
    answerRenewal: () => pending?.(),
  };
}

const lost = (events: ConsumerEvent[]) => events.filter((event) => event.type === 'lease-lost').length;

test('renewals failing, the wall clock set back: the lease is lost one lease duration after its last renewal was sent', async () => {
  const t = setUp();
  await t.leases.acquire(SHARD);
  await t.advance(3_500); // one renewal (at 3 s) confirmed
  t.failRenewals();
  await t.advance(500);
  t.setBack(600_000); // an NTP step: ten minutes back
  await t.advance(8_000); // 12 s: past the deadline (3 s + 9 s) of the last confirmed renewal
  expect(lost(t.events)).toBe(1);
  expect(t.leases.get(SHARD)).toBeUndefined();
  await t.leases.releaseAll();
});

test('the wall clock set back while a renewal is under way: its deadline still counts from its send', async () => {
  const t = setUp();
  await t.leases.acquire(SHARD);
  t.holdRenewals();
  await t.advance(3_100); // the renewal sent at 3 s waits for its answer
  t.setBack(600_000);
  t.answerRenewal();
  await settle();
  t.failRenewals();
  await t.advance(9_000); // 12.1 s: past 3 s + 9 s
  expect(lost(t.events)).toBe(1);
  await t.leases.releaseAll();
});
