/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence of
 * numbers in [0, 1). Used for fault injection so that a run can be repeated exactly.
 *
 * Its state has 32 bits: a seed from -2^31 to 2^32 - 1 is taken as it is (a negative one as the
 * same seed plus 2^32); the bits of a larger integer (`Date.now()`) above those 32 are mixed in,
 * so that 2^32 is not seed 0 again.
 */
export function seededRandom(seed: number): () => number {
  let state = seedState(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWO_TO_32 = 2 ** 32;

function seedState(seed: number): number {
  if (!Number.isFinite(seed) || (seed >= -(2 ** 31) && seed < TWO_TO_32)) return seed >>> 0;
  const high = Math.floor(seed / TWO_TO_32);
  const low = seed - high * TWO_TO_32;
  // The high bits (up to 2^21 of them for a safe integer), spread by a multiplication.
  return (low ^ Math.imul((high % TWO_TO_32) >>> 0 || 1, 0x9e3779b1)) >>> 0;
}
