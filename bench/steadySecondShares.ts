/**
 * The per-second shares of capacity of the capacity run (bench/producerCapacity.ts), taken over
 * the run's steady state in whole seconds.
 */

/** The producer's running totals at one moment (ms after the run started). */
export interface CapacitySample {
  readonly time: number;
  readonly records: number;
  readonly bytes: number;
}

/** How much of a run's start and end is left out of the steady state, in ms. */
export interface SteadySkips {
  /** From the start: the first PutRecords calls, and the burst a rested shard allows. */
  readonly startMs: number;
  /** Before the last answer: the drain's last, partly filled records. */
  readonly endMs: number;
}

/** The shares of the whole seconds of a run's steady state, and the window they cover. */
export type SteadySecondShares =
  | {
      readonly shares: readonly number[];
      /** The window, in ms after the start: whole seconds from `fromMs` to `toMs`. */
      readonly fromMs: number;
      readonly toMs: number;
      /** The skips used: the usual ones, or the shorter ones of a short run. */
      readonly skips: SteadySkips;
      readonly shortened: boolean;
    }
  | {
      readonly shares: readonly [];
      /** Why there is no figure. */
      readonly reason: string;
    };

/** What is left out of a run long enough for it: 2 s of start-up, 1 s of drain. */
export const USUAL_SKIPS: SteadySkips = { startMs: 2000, endMs: 1000 };
/**
 * What a run too short for the usual skips leaves out: its first second (start-up and burst),
 * nothing of its end (only whole seconds up to the last answer count).
 */
export const SHORT_RUN_SKIPS: SteadySkips = { startMs: 1000, endMs: 0 };

/**
 * The share of capacity delivered in each whole second of a run's steady state: from
 * `skips.startMs` after the start to `skips.endMs` before the last answer. Writes under the
 * limits come in bursts (up to a second's budget at once, or one ~1 MiB record per shard per
 * second), so a window that is not whole seconds would catch one burst more or less than it
 * paid for. A run too short to hold a whole second between the usual skips is measured with the
 * shorter ones (and says so); one too short even for those (under 2 s) has no figure, and a
 * reason instead. `share(records, bytes, seconds)` gives the percentage of capacity.
 */
export function steadySecondShares(
  samples: readonly CapacitySample[],
  share: (records: number, bytes: number, seconds: number) => number,
): SteadySecondShares {
  const usual = sharesWithin(samples, share, USUAL_SKIPS);
  if (usual !== undefined) return { ...usual, skips: USUAL_SKIPS, shortened: false };
  const short = sharesWithin(samples, share, SHORT_RUN_SKIPS);
  if (short !== undefined) return { ...short, skips: SHORT_RUN_SKIPS, shortened: true };
  const lastMs = samples.length > 0 ? samples[samples.length - 1]!.time : 0;
  return {
    shares: [],
    reason: `the run took ${(lastMs / 1000).toFixed(1)} s: no whole second after its first`,
  };
}

function sharesWithin(
  samples: readonly CapacitySample[],
  share: (records: number, bytes: number, seconds: number) => number,
  skips: SteadySkips,
): { shares: number[]; fromMs: number; toMs: number } | undefined {
  if (samples.length === 0) return undefined;
  const end = samples[samples.length - 1]!.time - skips.endMs;
  const totalsAt = (time: number): { records: number; bytes: number } => {
    let last = { records: 0, bytes: 0 };
    for (const sample of samples) {
      if (sample.time > time) break;
      last = sample;
    }
    return last;
  };
  const shares: number[] = [];
  let from = skips.startMs;
  for (; from + 1000 <= end; from += 1000) {
    const a = totalsAt(from);
    const b = totalsAt(from + 1000);
    shares.push(share(b.records - a.records, b.bytes - a.bytes, 1));
  }
  return shares.length === 0 ? undefined : { shares, fromMs: skips.startMs, toMs: from };
}
