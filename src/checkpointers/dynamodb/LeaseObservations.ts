/**
 * When this process last saw each lease's `leaseCounter` move, judged as the KCL judges expiry:
 * a lease is expired when its counter has not changed for the failover time, measured on the
 * observer's own clock from the moment it first saw the current value. A lease with an owner seen
 * for the first time is therefore live for a full failover time; a lease without owner is free.
 * Bounded: one entry per lease key this checkpointer has read.
 */
export class LeaseObservations {
  private readonly seen = new Map<string, { counter: number; at: number }>();

  constructor(private readonly failoverTimeMs: number) {}

  /** Records the counter read at `at`; returns when the lease expires unless the counter moves. */
  observe(key: string, counter: number, at: number): number {
    const previous = this.seen.get(key);
    if (previous === undefined || previous.counter !== counter) {
      this.seen.set(key, { counter, at });
      return at + this.failoverTimeMs;
    }
    return previous.at + this.failoverTimeMs;
  }

  /** Records our own write of `counter`, sent at `at`. */
  wrote(key: string, counter: number, at: number): void {
    this.seen.set(key, { counter, at });
  }

  forget(key: string): void {
    this.seen.delete(key);
  }
}
