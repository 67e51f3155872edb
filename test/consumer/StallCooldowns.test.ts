import { StallCooldowns } from '../../src/consumer/StallCooldowns.js';

const COOLDOWN_MS = 3000;

function setup() {
  let now = 1_000_000;
  const cooldowns = new StallCooldowns(() => now, COOLDOWN_MS);
  return { cooldowns, advance: (ms: number) => (now += ms) };
}

test('a stalled shard is left to others for the cooldown, then taken again', () => {
  const t = setup();
  expect(t.cooldowns.has('s0')).toBe(false);
  t.cooldowns.mark('s0');
  t.advance(COOLDOWN_MS - 1);
  expect(t.cooldowns.has('s0')).toBe(true);
  t.advance(1);
  expect(t.cooldowns.has('s0')).toBe(false);
});

test('a wall clock set back during a cooldown neither ends it at once nor stretches it by the set-back', () => {
  const t = setup();
  t.cooldowns.mark('s0');
  t.advance(1000);
  t.advance(-600_000); // set back ten minutes, 2 s of the cooldown left
  expect(t.cooldowns.has('s0')).toBe(true);
  t.advance(COOLDOWN_MS - 1); // a whole cooldown from the set-back, less 1 ms
  expect(t.cooldowns.has('s0')).toBe(true);
  t.advance(1);
  expect(t.cooldowns.has('s0')).toBe(false);
});

test('a small set-back (less than the cooldown) keeps the shard cooling down', () => {
  const t = setup();
  t.cooldowns.mark('s0');
  t.advance(2500);
  t.advance(-1000); // 0.5 s left before, 1.5 s now: within one cooldown
  expect(t.cooldowns.has('s0')).toBe(true);
  t.advance(1499);
  expect(t.cooldowns.has('s0')).toBe(true);
  t.advance(1);
  expect(t.cooldowns.has('s0')).toBe(false);
});
