import { VirtualTimeScheduler } from 'rxjs';
import { HandoffWait } from '../../src/consumer/HandoffWait.js';
import { ShardProgress } from '../../src/consumer/ShardProgress.js';

/** A reading with records '1' and '2' in flight (subscriber 1), on a virtual clock. */
function setUp(drainTimeoutMs = 2000) {
  const scheduler = new VirtualTimeScheduler();
  const progress = new ShardProgress();
  progress.add('1', [1]);
  progress.add('2', [1]);
  let waiter: (() => void) | undefined;
  const reading = {
    progress,
    whenSettled: (callback: () => void) => {
      waiter = callback;
      return () => (waiter = undefined);
    },
  };
  const pass = (sequenceNumber: string) => {
    progress.pass(1, sequenceNumber, undefined);
    waiter?.();
  };
  const clock = {
    now: () => scheduler.now(),
    timer: (ms: number, callback: () => void) => {
      const action = scheduler.schedule(callback, ms);
      return () => action.unsubscribe();
    },
  };
  const wait = new HandoffWait(reading, clock, drainTimeoutMs, () => true);
  /** Runs the virtual clock to `ms`; the time the period ended at, and how, if it did. */
  const runTo = async (period: Promise<boolean>, ms: number) => {
    let ended: [number, boolean] | undefined;
    void period.then((drained) => (ended = [scheduler.now(), drained]));
    scheduler.maxFrames = ms;
    scheduler.flush();
    await Promise.resolve();
    return ended;
  };
  /** Moves the clock to `ms`, running the timers due. */
  const advance = (ms: number) => {
    scheduler.maxFrames = ms;
    scheduler.flush();
    scheduler.frame = ms;
  };
  return { scheduler, wait, pass, runTo, advance };
}

test('without a request a period lasts the drain timeout', async () => {
  const t = setUp();
  expect(await t.runTo(t.wait.period(), 10_000)).toEqual([2000, false]);
});

test("a request's limit ends the period early; the same request seen again later does not extend it", async () => {
  const t = setUp();
  t.wait.limit({ request: 'b@3000', withdrawBy: 1200 });
  const period = t.wait.period();
  t.wait.limit({ request: 'b@3000', withdrawBy: 1500 });
  expect(await t.runTo(period, 10_000)).toEqual([1200, false]);
});

test('a request seen during a period moves its end earlier; a limit already past ends it at once', async () => {
  const t = setUp();
  const period = t.wait.period();
  t.advance(300);
  t.wait.limit({ request: 'b@1000', withdrawBy: 100 });
  expect(await t.runTo(period, 10_000)).toEqual([300, false]);
});

test('a withdrawn request reported again (a snapshot older than the withdrawal) is ignored; a new one counts', async () => {
  const t = setUp();
  t.wait.limit({ request: 'b@3000', withdrawBy: 500 });
  expect(await t.runTo(t.wait.period(), 10_000)).toEqual([500, false]);
  t.wait.withdrawing();
  t.wait.limit({ request: 'b@3000', withdrawBy: 500 });
  const second = t.wait.period();
  expect(await t.runTo(second, 1000)).toBeUndefined();
  t.advance(1000);
  t.wait.limit({ request: 'b@5000', withdrawBy: 1800 });
  expect(await t.runTo(second, 10_000)).toEqual([1800, false]);
});

test('records that drain end the period at once, with its timer', async () => {
  const t = setUp();
  t.wait.limit({ request: 'b@3000', withdrawBy: 1000 });
  const period = t.wait.period();
  t.advance(100);
  t.pass('1');
  t.pass('2');
  expect(await period).toBe(true);
  expect(t.scheduler.actions).toEqual([]);
});

test('a drained reading with a limit already past still hands over', async () => {
  const t = setUp();
  t.pass('1');
  t.pass('2');
  t.wait.limit({ request: 'b@0', withdrawBy: -100 });
  expect(await t.wait.period()).toBe(true);
  expect(t.scheduler.actions).toEqual([]);
});

test('a wall clock set back during a period does not lengthen it when a request arrives', async () => {
  const scheduler = new VirtualTimeScheduler();
  const progress = new ShardProgress();
  progress.add('1', [1]);
  let setBack = 0;
  // now() is the wall clock, which can be set back; the timers run on virtual time.
  const clock = {
    now: () => scheduler.now() - setBack,
    timer: (ms: number, callback: () => void) => {
      const action = scheduler.schedule(callback, ms);
      return () => action.unsubscribe();
    },
  };
  const wait = new HandoffWait({ progress, whenSettled: () => () => undefined }, clock, 2000, () => true);
  let ended: number | undefined;
  void wait.period().then(() => (ended = scheduler.now()));
  scheduler.maxFrames = 500;
  scheduler.flush();
  scheduler.frame = 500;
  setBack = 600_000; // an NTP step: ten minutes back
  // A request whose limit lies past the drain timeout: the period still ends at the timeout.
  wait.limit({ request: 'b@x', withdrawBy: clock.now() + 10_000 });
  scheduler.maxFrames = 20_000;
  scheduler.flush();
  await Promise.resolve();
  expect(ended).toBe(2000);
});
