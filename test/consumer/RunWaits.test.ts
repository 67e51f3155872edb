import { VirtualTimeScheduler } from 'rxjs';
import { RunWaits } from '../../src/consumer/RunWaits.js';

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RunWaits', () => {
  test('a wait resolves once its time passed on the scheduler, not before', async () => {
    const scheduler = new VirtualTimeScheduler(undefined, 10_000);
    const waits = new RunWaits(scheduler);
    let done = false;
    void waits.wait(1000).then(() => (done = true));
    scheduler.maxFrames = 999;
    scheduler.flush();
    await settle();
    expect(done).toBe(false);
    scheduler.maxFrames = 10_000;
    scheduler.flush();
    await settle();
    expect(done).toBe(true);
  });

  test('endAll() resolves every wait under way at once and cancels its timer', async () => {
    const scheduler = new VirtualTimeScheduler();
    const waits = new RunWaits(scheduler);
    const done: number[] = [];
    void waits.wait(1000).then(() => done.push(1));
    void waits.wait(5000).then(() => done.push(2));
    waits.endAll();
    await settle();
    expect(done).toEqual([1, 2]);
    expect(scheduler.actions.every((action) => action.closed)).toBe(true);
  });

  test('endAll() leaves later waits alone', async () => {
    const scheduler = new VirtualTimeScheduler();
    const waits = new RunWaits(scheduler);
    waits.endAll();
    let done = false;
    void waits.wait(1000).then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    scheduler.flush();
    await settle();
    expect(done).toBe(true);
  });
});
