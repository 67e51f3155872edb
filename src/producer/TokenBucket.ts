/**
 * A budget of `capacity` tokens per `intervalMs`, where each spent token comes back exactly
 * `intervalMs` after it was spent. Unlike a refill-at-a-constant-rate bucket this never lets more
 * than `capacity` tokens be spent in any window of `intervalMs`, which is how Kinesis meters
 * writes (per shard: 1,000 records and 1 MiB per second). Time is passed in, so any clock works.
 *
 * The spendings are kept as two parallel FIFO lists (time, amount) with a moving head; spendings
 * at the same time are merged. A budget with room enough is answered without looking at them.
 */
export class TokenBucket {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
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
    const needed = Math.min(amount, this.capacity);
    // Tokens not yet given back only make more room: with enough room already, nothing to expire.
    if (this.capacity - this.spentTotal >= needed) return 0;
    this.expire(now);
    let free = this.capacity - this.spentTotal;
    if (free >= needed) return 0;
    const { times, amounts } = this;
    for (let i = this.head; i < times.length; i += 1) {
      free += amounts[i]!;
      if (free >= needed) return times[i]! + this.intervalMs - now;
    }
    return this.intervalMs;
  }

  /** Spends `amount` tokens at `now` (callers check delayFor first). */
  take(amount: number, now: number): void {
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === now) this.amounts[last]! += amount;
    else {
      this.times.push(now);
      this.amounts.push(amount);
    }
    this.spentTotal += amount;
    // Keeps the lists short while the budget is far from full (delayFor then never expires).
    if (this.times.length - this.head > 64) this.expire(now);
  }

  private expire(now: number): void {
    const { times, amounts, intervalMs } = this;
    let head = this.head;
    while (head < times.length && times[head]! + intervalMs <= now) {
      this.spentTotal -= amounts[head]!;
      head += 1;
    }
    if (head === times.length) {
      times.length = 0;
      amounts.length = 0;
      this.head = 0;
    } else if (head >= 256 && head * 2 >= times.length) {
      this.times = times.slice(head);
      this.amounts = amounts.slice(head);
      this.head = 0;
    } else {
      this.head = head;
    }
  }
}
