/**
 * Bounds the records a consumer holds: records in flight (emitted, not yet released) plus slots
 * reserved by GetRecords calls under way never exceed `limit`. Pollers reserve before they fetch
 * and wait for room when there is none.
 */
export class InFlightGate {
  private reserved = 0;
  private held = 0;
  private peak = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** Records emitted and not yet released. */
  get inFlight(): number {
    return this.held;
  }

  /** The most records ever in flight at once. */
  get peakInFlight(): number {
    return this.peak;
  }

  get free(): number {
    return this.limit - this.reserved - this.held;
  }

  /** Reserves up to `wanted` slots; returns how many (0 when full). */
  reserve(wanted: number): number {
    const granted = Math.max(0, Math.min(wanted, this.free));
    this.reserved += granted;
    return granted;
  }

  /** Turns `used` of `reserved` slots into in-flight records and frees the rest. */
  settleReservation(reserved: number, used: number): void {
    this.reserved -= reserved;
    this.held += used;
    if (this.held > this.peak) this.peak = this.held;
    if (used < reserved) this.notify();
  }

  /** Frees the slots of `count` records that have passed. */
  release(count: number): void {
    if (count <= 0) return;
    this.held = Math.max(0, this.held - count);
    this.notify();
  }

  /** Calls `callback` once the next time room is freed; returns a cancel function. */
  whenRoom(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  private notify(): void {
    if (this.free <= 0 || this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
