/**
 * A budget of `capacity` tokens per `intervalMs`, where each spent token comes back exactly
 * `intervalMs` after it was spent. Unlike a refill-at-a-constant-rate bucket this never lets more
 * than `capacity` tokens be spent in any window of `intervalMs`, which is how Kinesis meters
 * writes (per shard: 1,000 records and 1 MiB per second). Time is passed in, so any clock works.
 */
export class TokenBucket {
  private readonly spent: Array<{ time: number; amount: number }> = [];
  private spentTotal = 0;

  constructor(
    readonly capacity: number,
    readonly intervalMs = 1000,
  ) {}

  /** Tokens that can be spent at `now`. */
  available(now: number): number {
    this.expire(now);
    return this.capacity - this.spentTotal;
  }

  /**
   * Milliseconds from `now` until `amount` tokens can be spent (0: now). An amount above the
   * capacity can be spent only when the whole budget is free.
   */
  delayFor(amount: number, now: number): number {
    this.expire(now);
    const needed = Math.min(amount, this.capacity);
    let free = this.capacity - this.spentTotal;
    if (free >= needed) return 0;
    for (const entry of this.spent) {
      free += entry.amount;
      if (free >= needed) return entry.time + this.intervalMs - now;
    }
    return this.intervalMs;
  }

  /** Spends `amount` tokens at `now` (callers check delayFor first). */
  take(amount: number, now: number): void {
    this.expire(now);
    const last = this.spent[this.spent.length - 1];
    if (last !== undefined && last.time === now) last.amount += amount;
    else this.spent.push({ time: now, amount });
    this.spentTotal += amount;
  }

  private expire(now: number): void {
    while (this.spent.length > 0 && this.spent[0]!.time + this.intervalMs <= now) {
      this.spentTotal -= this.spent.shift()!.amount;
    }
  }
}
