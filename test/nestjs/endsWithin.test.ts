// endsWithin(): true once the work settled (a rejection too), false at the deadline on the given
// scheduler, no timer left behind either way; Infinity waits as long as it takes.
import { VirtualTimeScheduler } from 'rxjs';
import { endsWithin } from '../../src/nestjs/endsWithin.js';

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

it('true once the work settles first, resolved or rejected, and the deadline is dropped', async () => {
  const scheduler = new VirtualTimeScheduler();
  expect(await endsWithin(Promise.resolve('done'), 5000, scheduler)).toBe(true);
  expect(await endsWithin(Promise.reject(new Error('failed')), 5000, scheduler)).toBe(true);
  expect(scheduler.actions).toEqual([]);
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
