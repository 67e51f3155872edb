import type { InFlightGate } from './InFlightGate.js';
import { ShardProgress } from './ShardProgress.js';

/**
 * The records in flight of one shard reading, and what settling them does: their share of the
 * in-flight budget is given back, whoever waits for a settlement is woken, and the reading is
 * told (it may end a drained shard). After a lost lease, the records still in the pipeline are
 * still in memory: `hold()` keeps their budget until they settle, or until `releaseHeld()` (at
 * most one lease duration later: a handler that checks abortSignal drops them without a word).
 */
export class ReadingSettlement {
  readonly progress = new ShardProgress();
  private readonly waiters = new Set<() => void>();
  private cancelHeld: (() => void) | undefined;

  constructor(
    private readonly gate: InFlightGate,
    /** Called after every settlement that changed something (or while `alwaysTell()`). */
    private readonly onSettled: () => void,
    /** True while the reading wants to hear of every settlement (a draining shard). */
    private readonly alwaysTell: () => boolean,
  ) {}

  /** Whether records of a lost lease still hold their budget (see hold). */
  get holding(): boolean {
    return this.cancelHeld !== undefined;
  }

  /** Runs a progress change and settles what it released. */
  settle(change: () => number): void {
    const { size, items, bytes, undecoded } = this.progress;
    change();
    this.settled(size, items, bytes, undecoded);
  }

  /**
   * After a progress change from `size` records (`items`, `bytes`, `undecoded` of them not decoded
   * yet): free the budget, wake waiters, tell.
   */
  settled(size: number, items: number, bytes: number, undecoded: number): void {
    const progress = this.progress;
    if (progress.size === size && this.waiters.size === 0 && !this.alwaysTell()) return;
    this.gate.release(
      size - progress.size,
      items - progress.items,
      bytes - progress.bytes,
      undecoded - progress.undecoded,
    );
    if (this.cancelHeld !== undefined && progress.size === 0) {
      this.cancelHeld();
      this.cancelHeld = undefined;
    }
    this.wakeAll();
    this.onSettled();
  }

  /** Calls `callback` at the next settlement; returns a cancel function. */
  whenSettled(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  /** Record `sequenceNumber` in flight holds `items` items (deserialize() decoded it). */
  decoded(sequenceNumber: string, items: number): void {
    const progress = this.progress;
    const { items: before, undecoded } = progress;
    if (progress.setItems(sequenceNumber, items))
      this.gate.decoded(undecoded - progress.undecoded, progress.items - before, items);
  }

  /** Wakes every waiter now (the reading ended). */
  wakeAll(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /** The lease was lost: the records in flight keep their budget until they settle or `releaseHeld()`. */
  hold(timer: (ms: number, callback: () => void) => () => void, ms: number): void {
    if (this.progress.size > 0) this.cancelHeld = timer(ms, () => this.releaseHeld());
  }

  /** Gives back the budget the records of a lost lease still hold. */
  releaseHeld(): void {
    const cancel = this.cancelHeld;
    if (cancel === undefined) return;
    this.cancelHeld = undefined;
    cancel();
    this.settle(() => this.progress.clear());
  }
}
