import type { ReadingState, ShardReadingHost } from './ShardReadingHost.js';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { LedgerLink, ReadingLink } from './RecordTracking.js';
import { ReadingSettlement } from './ReadingSettlement.js';
import type { ShardProgress } from './ShardProgress.js';

/** The states in which a reading holds (or is giving up) its lease. */
function isLive(state: ReadingState): boolean {
  return (
    state === 'reading' ||
    state === 'draining' ||
    state === 'ending' ||
    state === 'releasing' ||
    state === 'stopping'
  );
}

/**
 * A shard reading as the handles of its records see it (ReadingLink): its state, its records in
 * flight, and what the operators do to them (passed, skipped, decoded into items, a subscriber
 * left). Records settle while the reading is live, and after a lost lease while they still hold
 * their budget (ReadingSettlement.hold); once the reading is over, nothing they do counts.
 * ShardReading adds the source, the position writes, the end of the shard and the handover.
 */
export abstract class ShardReadingLink implements ReadingLink {
  /** The records in flight and their settlement (after a lost lease too: see ReadingSettlement.hold). */
  readonly settlement: ReadingSettlement;
  protected current: ReadingState = 'reading';
  /**
   * Records of this reading were given up unfinished (the last subscriber left with records in
   * flight, or records came when no subscriber was left): the end of the shard is never marked
   * by this reading, or its children would start and those records would never be read again.
   */
  protected abandoned = false;

  protected constructor(protected readonly host: ShardReadingHost) {
    this.settlement = new ReadingSettlement(
      host.gate,
      () => this.settledWhileDraining(),
      () => this.current === 'draining',
    );
  }

  /** After a settlement (every one while draining): the reading may end its shard. */
  protected abstract settledWhileDraining(): void;

  abstract readonly shardId: string;

  abstract commit(): Promise<void>;

  get state(): ReadingState {
    return this.current;
  }

  /** The records in flight. */
  get progress(): ShardProgress {
    return this.settlement.progress;
  }

  get checkpointer(): Checkpointer {
    return this.host.checkpointer;
  }

  /** True in the states in which the reading holds (or is giving up) its lease. */
  protected get live(): boolean {
    return isLive(this.current);
  }

  /** Records settle here: while the reading is live, and after a lost lease while they hold their budget. */
  private get tracking(): boolean {
    return this.live || this.settlement.holding;
  }

  passed(ledger: LedgerLink, sequenceNumber: string, sub: number | undefined): void {
    if (!this.tracking) return;
    const { size, items, bytes, undecoded } = this.progress;
    this.progress.pass(ledger.id, sequenceNumber, sub);
    this.settlement.settled(size, items, bytes, undecoded);
  }

  skipped(ledger: LedgerLink, seq: string, sub: number | undefined, count: number, through?: number): void {
    if (!this.tracking) return;
    this.settlement.settle(() => this.progress.skip(seq, sub, count, ledger.id, through ?? -1));
    ledger.settledByDrop(this);
  }

  itemsDecoded(sequenceNumber: string, items: number): void {
    if (this.tracking) this.settlement.decoded(sequenceNumber, items);
  }

  itemsDone(ledger: LedgerLink, sequenceNumber: string): number {
    return this.tracking ? this.progress.itemsDone(ledger.id, sequenceNumber) : Number.POSITIVE_INFINITY;
  }

  holdsBefore(ledger: LedgerLink, sequenceNumber: string, sub: number | undefined): boolean {
    return this.tracking && this.progress.holdsBefore(ledger.id, sequenceNumber, sub);
  }

  whenSettled(callback: () => void): () => void {
    if (!this.live) {
      callback();
      return () => undefined;
    }
    return this.settlement.whenSettled(callback);
  }

  /** Whether a record in flight waits for subscriber `ledgerId` (false once the reading is over). */
  holdsFor(ledgerId: number): boolean {
    return this.live && this.progress.holds(ledgerId);
  }

  /**
   * Forgets a subscriber that left: the last one leaving leaves nothing committable. One that
   * leaves while others stay leaves its unfinished records to them, except records none of them
   * received (`stays`: the subscribers still there): see rewind.
   */
  removeLedger(ledgerId: number, last: boolean, stays: (ledgerId: number) => boolean = () => false): void {
    if (!this.live) return;
    if (last && this.progress.size > 0) this.abandoned = true;
    if (!last && this.progress.holdsAlone(ledgerId, stays)) {
      this.rewind();
      return;
    }
    this.settlement.settle(() => (last ? this.progress.clear() : this.progress.removeSink(ledgerId)));
  }

  /**
   * A subscriber left with records in flight that no remaining subscriber received (they
   * subscribed after those records: a late pipeline, or one resubscribed from the leaving
   * pipeline's own error or complete callback). Nobody will process them, so they must not be
   * committed: the reading stops, writing only the position before them, and the shard is read
   * again from there for the subscribers that remain.
   */
  protected abstract rewind(): void;

  /** Records of this reading reached no subscriber (every one had left): see `abandoned`. */
  abandon(): void {
    this.abandoned = true;
  }
}
