// endsWithin(): true once the work resolved (its rejection rejects), false at the deadline on the given
// scheduler, no timer left behind either way; Infinity waits as long as it takes.
import { VirtualTimeScheduler } from 'rxjs';
import { endsWithin } from '../../src/consumer/endsWithin.js';

const never = new Promise<void>(() => undefined);

it('false at the deadline, on the scheduler', async () => {
  const scheduler = new VirtualTimeScheduler();
  let outcome: boolean | undefined;
  const ending = endsWithin(never, 5000, scheduler).then((ended) => (outcome = ended));
  scheduler.maxFrames = 4999;
  scheduler.flush();
  await Promise.resolve();
  expect(outcome).toBeUndefined();
  scheduler.maxFrames = Infinity;
  scheduler.flush();
  await ending;
  expect(outcome).toBe(false);
  expect(scheduler.frame).toBe(5000);
});

it('true once the work resolves first, its rejection if it rejects first; the deadline is dropped', async () => {
  const scheduler = new VirtualTimeScheduler();
  expect(await endsWithin(Promise.resolve('done'), 5000, scheduler)).toBe(true);
  await expect(endsWithin(Promise.reject(new Error('failed')), 5000, scheduler)).rejects.toThrow('failed');
  expect(scheduler.actions).toEqual([]);
});

it('a rejection after the deadline is left alone (no unhandled rejection)', async () => {
  const scheduler = new VirtualTimeScheduler();
  let fail: (error: Error) => void = () => undefined;
  const work = new Promise<void>((_resolve, reject) => (fail = reject));
  const ending = endsWithin(work, 100, scheduler);
  scheduler.flush();
  expect(await ending).toBe(false);
  const unhandled = jest.fn();
  process.on('unhandledRejection', unhandled);
  try {
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  } finally {
    process.off('unhandledRejection', unhandled);
  }
});

it('Infinity: no deadline', async () => {
  const scheduler = new VirtualTimeScheduler();
  let settle: () => void = () => undefined;
  const work = new Promise<void>((resolve) => (settle = resolve));
  const ending = endsWithin(work, Infinity, scheduler);
  expect(scheduler.actions).toEqual([]);
  settle();
  expect(await ending).toBe(true);
});
