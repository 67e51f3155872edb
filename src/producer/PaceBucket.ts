/**
 * A budget that refills continuously: `rate` tokens per `intervalMs`, holding at most `burst`.
 * An amount above `burst` can be spent only when the bucket is full, and leaves it that much
 * below empty. Where a TokenBucket says how much may go in any window, this says how evenly it
 * goes: a shard's aggregated records, each nearly half its byte budget, go about half a second
 * apart instead of two at once. Time is passed in, so any clock works.
 */
export class PaceBucket {
  private level: number;
  private at = Number.NEGATIVE_INFINITY;

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly intervalMs = 1000,
  ) {
    this.level = burst;
  }

  /** Whole milliseconds from `now` until `amount` tokens can be spent (0: now). */
  delayFor(amount: number, now: number): number {
    const needed = Math.min(amount, this.burst);
    const level = this.levelAt(now);
    return level >= needed ? 0 : Math.ceil(((needed - level) * this.intervalMs) / this.rate);
  }

  /** Spends `amount` tokens at `now` (callers check delayFor first). */
  take(amount: number, now: number): void {
    this.level = this.levelAt(now) - amount;
    this.at = now;
  }

  private levelAt(now: number): number {
    if (now <= this.at) return this.level;
    return Math.min(this.burst, this.level + ((now - this.at) * this.rate) / this.intervalMs);
  }
}
