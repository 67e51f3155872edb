import { seededRandom } from '../../src/local/seededRandom.js';

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 20 }, () => a());
    const seqB = Array.from({ length: 20 }, () => b());
    const seqC = Array.from({ length: 20 }, () => c());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('draws numbers in [0, 1) spread evenly', () => {
    const random = seededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('seededRandom and seeds beyond 32 bits', () => {
  const first = (seed: number): number[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 5 }, () => random());
  };

  it('keeps the sequence of every 32-bit seed, a negative one that of the seed plus 2^32', () => {
    expect(first(0)).toEqual([
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086,
    ]);
    expect(first(-1)).toEqual(first(2 ** 32 - 1));
  });

  it('mixes in the bits above 32 of a larger seed: 2^32 is not seed 0 again', () => {
    expect(first(2 ** 32)).not.toEqual(first(0));
    expect(first(2 ** 33 + 5)).not.toEqual(first(5));
    expect(first(1_764_800_000_000)).not.toEqual(first(1_764_800_000_000 % 2 ** 32));
    expect(first(-(2 ** 32))).not.toEqual(first(0));
  });
});
