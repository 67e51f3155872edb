/** Why a GetRecords call was refused. */
export type ReadThrottleReason = 'calls' | 'bytes';

/**
 * Read budget of one shard: at most `callsPerSecond` GetRecords calls in any sliding 1-second
 * window, and a byte bucket that refills at `bytesPerSecond` (capacity one second's worth). A
 * call that returns no more than the bucket holds is taken from it. One that returns more
 * forfeits what the bucket held and leaves it in debt by all its bytes: the calls after it are
 * refused until it has refilled to zero, as long as its bytes take at the rate. So a read of
 * 10 MiB throttles the next 5 seconds at 2 MiB/s, as AWS documents it.
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
    // Bytes are whole: a debt under half a byte is the rounding of refills made in steps.
    if (this.tokens <= -0.5) return 'bytes';
    while (this.calls.length > 0 && this.calls[0]! <= now - 1000) this.calls.shift();
    if (this.calls.length >= this.callsPerSecond) return 'calls';
    this.calls.push(now);
    return undefined;
  }

  /** Charges the bytes a call returned. */
  consumeBytes(now: number, bytes: number): void {
    this.refill(now);
    this.tokens = bytes <= this.tokens ? this.tokens - bytes : Math.min(this.tokens, 0) - bytes;
  }

  private refill(now: number): void {
    if (!Number.isNaN(this.refilledAt) && now > this.refilledAt) {
      const refill = ((now - this.refilledAt) * this.bytesPerSecond) / 1000;
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + refill);
    }
    if (Number.isNaN(this.refilledAt) || now > this.refilledAt) this.refilledAt = now;
  }
}
