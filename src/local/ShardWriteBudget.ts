/**
 * Write budget of one shard as a sliding window: in any interval of 1,000 ms (whatever its
 * start), at most `recordsPerSecond` records and `bytesPerSecond` bytes (data + partition key)
 * are accepted. It remembers what it accepted in the last second; a record is accepted only if
 * it fits alongside them. There is no burst allowance beyond one second's budget, and a clock
 * that goes back forgets what was accepted "in the future".
 */
export class ShardWriteBudget {
  /** Acceptances of the last second, oldest first: [time, records, bytes] per clock value. */
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private records = 0;
  private bytes = 0;

  constructor(
    private readonly recordsPerSecond: number,
    private readonly bytesPerSecond: number,
  ) {}

  /** Takes one record of `bytes` at `now` if it fits in the last second's budget; false if not. */
  tryConsume(now: number, bytes: number): boolean {
    this.forget(now);
    if (this.records + 1 > this.recordsPerSecond || this.bytes + bytes > this.bytesPerSecond) {
      return false;
    }
    this.records += 1;
    this.bytes += bytes;
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === now) {
      this.counts[last]! += 1;
      this.sizes[last]! += bytes;
    } else {
      this.times.push(now);
      this.counts.push(1);
      this.sizes.push(bytes);
    }
    return true;
  }

  private forget(now: number): void {
    if (this.times.length > this.head && this.times[this.times.length - 1]! > now) {
      this.times.length = this.counts.length = this.sizes.length = this.head = 0;
      this.records = this.bytes = 0;
      return;
    }
    while (this.head < this.times.length && this.times[this.head]! <= now - 1000) {
      this.records -= this.counts[this.head]!;
      this.bytes -= this.sizes[this.head]!;
      this.head += 1;
    }
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }
}
