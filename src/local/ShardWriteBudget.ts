/**
 * Write budget of one shard as a token bucket per quantity: it holds at most one second's budget
 * (`recordsPerSecond` records, `bytesPerSecond` bytes of data + partition key) and regains it
 * continuously at that rate; a record is accepted only if both hold enough for it.
 *
 * So a shard accepts its rate over time, plus a burst of at most one second's budget after a
 * quiet second: any interval of T seconds admits at most (1 + T) times the per-second limit
 * (at most twice the limit in one second), and never the calendar-second double burst. That
 * burst is the least a rolling budget must allow: a client that keeps to the limit in every
 * sliding second (as the producer does) may send a whole second's budget at once, and request
 * latency jitter then never costs it more than the jitter's worth of records.
 * A clock that goes back gains nothing.
 */
export class ShardWriteBudget {
  private records: number;
  private bytes: number;
  private refilledAt = Number.NaN;

  constructor(
    private readonly recordsPerSecond: number,
    private readonly bytesPerSecond: number,
  ) {
    this.records = recordsPerSecond;
    this.bytes = bytesPerSecond;
  }

  /** Takes one record of `bytes` at `now` if the budget holds it; false if not. */
  tryConsume(now: number, bytes: number): boolean {
    this.refill(now);
    // A tolerance for the fractions of continuous refill.
    if (this.records < 1 - 1e-9 || this.bytes < bytes - 1e-6) return false;
    this.records -= 1;
    this.bytes -= bytes;
    return true;
  }

  private refill(now: number): void {
    if (!Number.isNaN(this.refilledAt) && now > this.refilledAt) {
      const seconds = (now - this.refilledAt) / 1000;
      this.records = Math.min(this.recordsPerSecond, this.records + seconds * this.recordsPerSecond);
      this.bytes = Math.min(this.bytesPerSecond, this.bytes + seconds * this.bytesPerSecond);
    }
    if (Number.isNaN(this.refilledAt) || now > this.refilledAt) this.refilledAt = now;
  }
}
