import {
  SHORT_RUN_SKIPS,
  USUAL_SKIPS,
  steadySecondShares,
  type CapacitySample,
} from '../../bench/steadySecondShares.js';

/** Capacity of one shard: 1,000 records/s (records bind first for these small records). */
const share = (records: number, _bytes: number, seconds: number): number => (100 * records) / seconds / 1000;

/**
 * A run answered every 100 ms until `lastMs`: `burst` records in its first answer (a rested
 * shard's budget), then 1,000 records/s (100 per answer), 100 bytes each.
 */
function run(lastMs: number, burst = 0): CapacitySample[] {
  const samples: CapacitySample[] = [];
  let records = burst;
  for (let time = 100; time <= lastMs; time += 100) {
    records += 100;
    samples.push({ time, records, bytes: records * 100 });
  }
  return samples;
}

describe('steadySecondShares (the capacity run of bench/producer.ts)', () => {
  it('takes the whole seconds from 2 s after the start to 1 s before the last answer', () => {
    const steady = steadySecondShares(run(10_000, 1000), share);
    expect(steady).toEqual({
      shares: [100, 100, 100, 100, 100, 100, 100],
      fromMs: 2000,
      toMs: 9000,
      skips: USUAL_SKIPS,
      shortened: false,
    });
  });

  it('measures a run too short for the usual skips (--seconds 2) with shorter ones, not NaN', () => {
    const steady = steadySecondShares(run(2400, 1000), share);
    expect(steady).toEqual({
      shares: [100],
      fromMs: 1000,
      toMs: 2000,
      skips: SHORT_RUN_SKIPS,
      shortened: true,
    });
  });

  it('leaves the first second (and its burst) out of a short run', () => {
    // 3,000 records in the first second; 1,000 in the next.
    const steady = steadySecondShares(run(2000, 2000), share);
    expect(steady.shares).toEqual([100]);
  });

  it('gives no figure, and says why, for a run under 2 s', () => {
    const steady = steadySecondShares(run(1500), share);
    expect(steady).toEqual({
      shares: [],
      reason: 'the run took 1.5 s: no whole second after its first',
    });
    expect(steadySecondShares([], share)).toMatchObject({
      shares: [],
      reason: expect.stringMatching(/0\.0 s/),
    });
  });
});
