/**
 * Write budget of one shard: at most `recordsPerSecond` records and `bytesPerSecond` bytes
 * (data + partition key) are accepted in each 1-second window of the clock (windows start at
 * whole seconds: `floor(now / 1000)`).
 */
export class ShardWriteBudget {
  private window = Number.NaN;
  private records = 0;
  private bytes = 0;

  constructor(
    private readonly recordsPerSecond: number,
    private readonly bytesPerSecond: number,
  ) {}

  /** Takes one record of `bytes` from the budget of the window holding `now`; false if over budget. */
  tryConsume(now: number, bytes: number): boolean {
    const window = Math.floor(now / 1000);
    if (window !== this.window) {
      this.window = window;
      this.records = 0;
      this.bytes = 0;
    }
    if (this.records + 1 > this.recordsPerSecond || this.bytes + bytes > this.bytesPerSecond) {
      return false;
    }
    this.records += 1;
    this.bytes += bytes;
    return true;
  }
}
