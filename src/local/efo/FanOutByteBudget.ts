/**
 * Bytes a consumer may receive from one shard: a bucket that refills at `bytesPerSecond`
 * (capacity one second's worth). An event larger than what is left drives it negative, and the
 * next event waits until it has refilled to zero, so the average never passes the rate.
 */
export class FanOutByteBudget {
  private tokens: number;
  private refilledAt = Number.NaN;

  constructor(private readonly bytesPerSecond: number) {
    this.tokens = bytesPerSecond;
  }

  /** Bytes that may be sent now (at least 0). */
  available(now: number): number {
    this.refill(now);
    return Math.max(0, this.tokens);
  }

  /** How long (ms) until something may be sent again: 0 when the bucket is not below zero. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.bytesPerSecond);
  }

  consume(now: number, bytes: number): void {
    this.refill(now);
    this.tokens -= bytes;
  }

  private refill(now: number): void {
    if (!Number.isNaN(this.refilledAt) && now > this.refilledAt) {
      const refill = ((now - this.refilledAt) * this.bytesPerSecond) / 1000;
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + refill);
    }
    if (Number.isNaN(this.refilledAt) || now > this.refilledAt) this.refilledAt = now;
  }
}
