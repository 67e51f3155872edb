import { Stopwatch } from '../../src/consumer/Stopwatch.js';

test('counts the time the clock moved forward, none where it went back', () => {
  let now = 1_000_000;
  const watch = new Stopwatch(() => now);
  now += 400;
  expect(watch.elapsed()).toBe(400);
  now -= 600_000; // set back ten minutes
  expect(watch.elapsed()).toBe(400);
  now += 700;
  expect(watch.elapsed()).toBe(1100);
  now += 600_000; // forward again
  expect(watch.elapsed()).toBe(601_100);
});
