/**
 * Calls of one kind on one shard: at most `callsPerSecond` in any sliding 1-second window. A
 * call refused later for another reason (invalid input) can be given back.
 */
export class CallRateWindow {
  private readonly calls: number[] = [];

  constructor(private readonly callsPerSecond: number) {}

  /** Records a call at `now`; false if it must be refused (and then records nothing). */
  tryCall(now: number): boolean {
    while (this.calls.length > 0 && this.calls[0]! <= now - 1000) this.calls.shift();
    if (this.calls.length >= this.callsPerSecond) return false;
    this.calls.push(now);
    return true;
  }

  /** Gives back the call recorded at `at` (it did not count). */
  giveBack(at: number): void {
    const index = this.calls.lastIndexOf(at);
    if (index >= 0) this.calls.splice(index, 1);
  }
}
