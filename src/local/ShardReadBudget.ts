/** Why a GetRecords call was refused. */
export type ReadThrottleReason = 'calls' | 'bytes';

/**
 * Read budget of one shard: at most `callsPerSecond` GetRecords calls in any sliding 1-second
 * window, and a byte bucket that refills at `bytesPerSecond` (capacity one second's worth). A
 * call that returns more than the bucket holds drives it negative, and the calls after it are
 * refused until it has refilled to zero — so a large read throttles the next calls, as on AWS.
 */
export class ShardReadBudget {
  private readonly calls: number[] = [];
  private tokens: number;
  private refilledAt = Number.NaN;

  constructor(
    private readonly callsPerSecond: number,
    private readonly bytesPerSecond: number,
  ) {
    this.tokens = bytesPerSecond;
  }

  /** Records a call at `now`, or returns why it must be refused (and then records nothing). */
  tryCall(now: number): ReadThrottleReason | undefined {
    this.refill(now);
    if (this.tokens < 0) return 'bytes';
    while (this.calls.length > 0 && this.calls[0]! <= now - 1000) this.calls.shift();
    if (this.calls.length >= this.callsPerSecond) return 'calls';
    this.calls.push(now);
    return undefined;
  }

  /** Charges the bytes a call returned. */
  consumeBytes(now: number, bytes: number): void {
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
