import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import type { KinesisRecord } from './KinesisRecord.js';
import type { LedgerLink, LedgerSink, PassMark, ReadingLink } from './RecordTracking.js';

/** How long drops of a pipeline whose checkpoint() has not shown itself wait before they are written. */
const DEFAULT_DROP_FLUSH_MS = 5000;

/**
 * One direct subscriber of a tracked consumer, created when the consumer's Observable sees the
 * subscription (before anything is emitted to it). Every record emitted to the subscriber is
 * tracked for its ledger until the subscriber's pipeline settles it (checkpoint() passed it,
 * checkpointFilter() dropped it, deserialize() found no item in it) or the subscriber leaves.
 */
export class SubscriberLedger implements LedgerLink {
  readonly passedLast = new WeakMap<ReadingLink, PassMark>();
  private readonly sinks = new Set<LedgerSink>();
  /** Readings with positions advanced by drops before any checkpoint() of this pipeline showed itself. */
  private readonly unclaimed = new Set<ReadingLink>();
  private flush: Subscription | undefined;
  /** The subscriber left: drops reported late (an async dead-letter hook) change nothing. */
  private closed = false;
  /** The subscriber left while checkpoint()s of its pipeline were still open: called once they all closed. */
  private departed: (() => void) | undefined;

  constructor(
    readonly id: number,
    readonly subscriber: Subscriber<KinesisRecord>,
    readonly scheduler: SchedulerLike,
    sink: LedgerSink | undefined,
    /** Makes every current reading of the consumer distrust its positions (see distrustAll). */
    private readonly distrustReadings: () => void = () => undefined,
  ) {
    if (sink !== undefined) {
      this.sinks.add(sink);
      sink.attached?.(this);
    }
  }

  /** Whether a checkpoint() of this subscriber's pipeline is still open (not torn down). */
  get hasSinks(): boolean {
    return this.sinks.size > 0;
  }

  addSink(sink: LedgerSink): void {
    if (this.closed || this.sinks.has(sink)) return;
    this.sinks.add(sink);
    for (const reading of this.unclaimed) sink.settled(reading);
    this.unclaimed.clear();
    this.flush?.unsubscribe();
    this.flush = undefined;
  }

  removeSink(sink: LedgerSink): void {
    this.sinks.delete(sink);
    if (this.sinks.size > 0 || this.departed === undefined) return;
    const departed = this.departed;
    this.departed = undefined;
    departed();
  }

  /** Drops settled records: they count toward the batch of this pipeline's checkpoint(). */
  settledByDrop(reading: ReadingLink): void {
    if (this.closed) return;
    if (this.sinks.size > 0) {
      for (const sink of this.sinks) sink.settled(reading);
      return;
    }
    this.unclaimed.add(reading);
    this.flush ??= this.scheduler.schedule(() => {
      this.flush = undefined;
      const readings = [...this.unclaimed];
      this.unclaimed.clear();
      for (const pending of readings) void pending.commit();
    }, DEFAULT_DROP_FLUSH_MS);
  }

  distrustAll(): void {
    if (!this.closed) this.distrustReadings();
  }

  /** The subscriber left: stop the flush timer (the readings write what they may at stop). */
  close(): void {
    this.closed = true;
    this.departed = undefined;
    this.flush?.unsubscribe();
    this.flush = undefined;
    this.unclaimed.clear();
    this.sinks.clear();
  }

  /**
   * The subscriber left while checkpoint()s of its pipeline are still open (e.g. take(n) before
   * asynchronous work: the records already taken are still on their way to checkpoint()). Its
   * records stay tracked, and `done` is called once every one of those checkpoint()s was torn
   * down (completed, errored or unsubscribed); then close() it.
   */
  depart(done: () => void): void {
    this.closed = true;
    this.flush?.unsubscribe();
    this.flush = undefined;
    this.unclaimed.clear();
    if (this.sinks.size === 0) {
      done();
      return;
    }
    this.departed = done;
  }
}
