import type { CheckpointPosition } from '../checkpointers/Checkpointer.js';
import { compareSequenceNumbers } from './compareSequenceNumbers.js';
import {
  allPendingMask,
  allPendingSet,
  anyPending,
  isPending,
  isPendingAt,
  markDone,
  pendingList,
} from './pendingSinks.js';
import { contiguous, partlyDone, settleIfComplete, type ProgressEntry as Entry } from './progressEntry.js';

/**
 * The records of one shard that are in flight, in the order they were emitted, and the position
 * that may be committed: the end of the longest prefix every checkpoint() sink is done with.
 *
 * A sink is done with a record when it passed it or a later record of the shard (pass: prefix
 * semantics, for in-order pipelines), or when every item of the record is either inside a passed
 * prefix or was skipped on its own (skip: exact, for items dropped before the sink that never
 * reach it). A skip never settles anything but its own item.
 */
export class ShardProgress {
  private entries: Entry[] = [];
  private head = 0;
  /** Entries dropped from the front of `entries` so far (indexes below are absolute: base + index). */
  private base = 0;
  /**
   * Per sink, the absolute index of the first entry a pass of it may still have to look at:
   * every entry before it is done for the sink (a pass settles a prefix). So a fast sink behind
   * a slow one looks at each record about once, not at the whole flight on every pass.
   */
  private readonly cursors = new Map<number, number>();
  /** The sink that passed last and its cursor, kept here instead of in `cursors` (-1: none). */
  private cursorSink = -1;
  private cursorAt = 0;
  /** The position that may be committed (the object is made when asked for: see committable). */
  private positionSequence: string | undefined;
  private positionSub: number | undefined;
  private position: CheckpointPosition | undefined;
  private written: CheckpointPosition | undefined;
  private heldBytes = 0;
  private heldItems = 0;
  private heldUndecoded = 0;
  /** Where the last record decoded was found: records are decoded in order, so the next is after it. */
  private decodedAt = -1;

  /** Records in flight. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Data bytes of the records in flight. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Items of the records in flight (a record counts 1 until `setItems`). */
  get items(): number {
    return this.heldItems;
  }

  /** Records in flight that deserialize() did not decode yet (see `setItems`). */
  get undecoded(): number {
    return this.heldUndecoded;
  }

  /** The position that may be committed now, if any record was passed. */
  get committable(): CheckpointPosition | undefined {
    const sequenceNumber = this.positionSequence;
    if (sequenceNumber === undefined) return undefined;
    const sub = this.positionSub;
    return (this.position ??=
      sub === undefined ? { sequenceNumber } : { sequenceNumber, subSequenceNumber: sub });
  }

  /** True when the committable position differs from the last one written. */
  get dirty(): boolean {
    const b = this.written;
    if (this.positionSequence === undefined) return false;
    return (
      b === undefined ||
      this.positionSequence !== b.sequenceNumber ||
      this.positionSub !== b.subSequenceNumber
    );
  }

  markWritten(position: CheckpointPosition): void {
    this.written = position;
  }

  /** Tracks an emitted record until every sink in `sinks` is done with it. */
  add(sequenceNumber: string, sinks: readonly number[], bytes = 0): void {
    this.entries.push({
      sequenceNumber,
      receivers: sinks,
      mask: allPendingMask(sinks),
      many: allPendingSet(sinks),
      partial: undefined,
      count: undefined,
      bytes,
      items: 1,
      decoded: false,
    });
    this.heldBytes += bytes;
    this.heldItems += 1;
    this.heldUndecoded += 1;
  }

  /**
   * The record in flight holds `items` items (deserialize() decoded it). Returns false when that
   * changed nothing (the record is not in flight, or was decoded already with as many items).
   */
  setItems(sequenceNumber: string, items: number): boolean {
    const entry = this.findDecoded(sequenceNumber);
    if (entry === undefined || (entry.decoded && items <= entry.items)) return false;
    if (!entry.decoded) {
      entry.decoded = true;
      this.heldUndecoded -= 1;
    }
    if (items > entry.items) {
      this.heldItems += items - entry.items;
      entry.items = items;
    }
    return true;
  }

  /**
   * How many leading items of the record at `sequenceNumber` sink `sinkId` is done with
   * (Infinity when it is done with the whole record or the record is not in flight).
   */
  itemsDone(sinkId: number, sequenceNumber: string): number {
    const entry = this.find(sequenceNumber);
    if (entry === undefined || !isPending(entry, sinkId)) return Number.POSITIVE_INFINITY;
    const done = entry.partial?.get(sinkId);
    return done === undefined ? 0 : contiguous(done) + 1;
  }

  /**
   * Sink `sinkId` passed the record at `sequenceNumber` (items 0..sub, or whole when sub is
   * undefined), and so everything before it. Returns how many records left flight.
   */
  pass(sinkId: number, sequenceNumber: string, subSequenceNumber: number | undefined): number {
    const cursor = sinkId === this.cursorSink ? this.cursorAt : (this.cursors.get(sinkId) ?? 0);
    let i = Math.max(this.head, cursor - this.base);
    for (; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      const order = compareSequenceNumbers(entry.sequenceNumber, sequenceNumber);
      if (order > 0) break;
      if (order < 0 || subSequenceNumber === undefined) {
        markDone(entry, sinkId);
        entry.partial?.delete(sinkId);
      } else {
        // Items of this record passed: later items may still come, so the cursor stays on it.
        if (isPending(entry, sinkId)) {
          const done = partlyDone(entry, sinkId);
          done.through = Math.max(done.through, subSequenceNumber);
          settleIfComplete(entry, sinkId, done);
        }
        break;
      }
      if (order === 0) {
        i += 1;
        break;
      }
    }
    if (sinkId !== this.cursorSink) {
      if (this.cursorSink !== -1) this.cursors.set(this.cursorSink, this.cursorAt);
      this.cursors.delete(sinkId);
      this.cursorSink = sinkId;
    }
    this.cursorAt = this.base + i;
    return this.advance();
  }

  /**
   * Item `subSequenceNumber` of `subRecordCount` of the record at `sequenceNumber` was dropped
   * before sink `sinkId` (every sink when undefined) and will never reach it: that item alone
   * is done for the sink, nothing before it. A record of one item (or `subSequenceNumber`
   * undefined) is done whole. `doneThrough`: items 0..doneThrough were done before this
   * reading (a consumer resumed inside the record). Returns how many records left flight.
   */
  skip(
    sequenceNumber: string,
    subSequenceNumber: number | undefined,
    subRecordCount: number,
    sinkId?: number,
    doneThrough = -1,
  ): number {
    const entry = this.find(sequenceNumber);
    if (entry === undefined) return 0;
    const sinks = sinkId === undefined ? pendingList(entry) : isPending(entry, sinkId) ? [sinkId] : [];
    const whole = subSequenceNumber === undefined || subRecordCount <= 1;
    if (!whole) entry.count = Math.max(entry.count ?? 0, subRecordCount);
    for (const sink of sinks) {
      if (whole) {
        markDone(entry, sink);
        entry.partial?.delete(sink);
        continue;
      }
      const done = partlyDone(entry, sink);
      done.through = Math.max(done.through, doneThrough);
      (done.skipped ??= new Set()).add(subSequenceNumber);
      settleIfComplete(entry, sink, done);
    }
    return this.advance();
  }

  /** Whether a record in flight waits for the sink (stops at the first one: usually the oldest). */
  holds(sinkId: number): boolean {
    for (let i = this.head; i < this.entries.length; i += 1)
      if (isPending(this.entries[i] as Entry, sinkId)) return true;
    return false;
  }

  /**
   * Whether the sink is not done with a record before `sequenceNumber`, or with an item before
   * item `sub` of it (undefined: a whole record, whose own items are not looked at).
   */
  holdsBefore(sinkId: number, sequenceNumber: string, sub: number | undefined): boolean {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      const order = compareSequenceNumbers(entry.sequenceNumber, sequenceNumber);
      if (order > 0) return false;
      if (!isPending(entry, sinkId)) continue;
      if (order < 0) return true;
      const done = entry.partial?.get(sinkId);
      return sub !== undefined && (done === undefined ? -1 : contiguous(done)) < sub - 1;
    }
    return false;
  }

  /**
   * Whether the sink is not done with a record that no other sink for which `stays` holds
   * received: forgetting the sink would let that record be committed although nobody will
   * process it.
   */
  holdsAlone(sinkId: number, stays: (sinkId: number) => boolean): boolean {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      if (isPending(entry, sinkId) && !entry.receivers.some((id) => id !== sinkId && stays(id))) return true;
    }
    return false;
  }

  /** Records in flight the sink is not done with. */
  pendingFor(sinkId: number): number {
    let count = 0;
    for (let i = this.head; i < this.entries.length; i += 1)
      if (isPending(this.entries[i] as Entry, sinkId)) count += 1;
    return count;
  }

  /** Forgets a sink everywhere. Returns how many records left flight. */
  removeSink(sinkId: number): number {
    this.cursors.delete(sinkId);
    if (sinkId === this.cursorSink) this.cursorSink = -1;
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      markDone(entry, sinkId);
      entry.partial?.delete(sinkId);
    }
    return this.advance();
  }

  /** Drops every record (lease lost, consumer stopped). Returns how many left flight. */
  clear(): number {
    const count = this.size;
    this.base += this.entries.length;
    this.entries = [];
    this.head = 0;
    this.heldBytes = 0;
    this.heldItems = 0;
    this.heldUndecoded = 0;
    this.decodedAt = -1;
    return count;
  }

  /** find() for a record being decoded: records are decoded in order, the one after the last first. */
  private findDecoded(sequenceNumber: string): Entry | undefined {
    const next = Math.max(this.head, this.decodedAt + 1);
    const at = this.entries[next]?.sequenceNumber === sequenceNumber ? next : this.indexOf(sequenceNumber);
    if (at >= 0) this.decodedAt = at;
    return this.entries[at];
  }

  /** The record in flight at `sequenceNumber`. */
  private find(sequenceNumber: string): Entry | undefined {
    return this.entries[this.indexOf(sequenceNumber)];
  }

  /** The index of the record in flight at `sequenceNumber`, or -1 (binary search: entries are in shard order). */
  private indexOf(sequenceNumber: string): number {
    let low = this.head;
    let high = this.entries.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle] as Entry;
      const order = compareSequenceNumbers(entry.sequenceNumber, sequenceNumber);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private advance(): number {
    let released = 0;
    let last: Entry | undefined;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      if (anyPending(entry)) break;
      last = entry;
      this.heldBytes -= entry.bytes;
      this.heldItems -= entry.items;
      if (!entry.decoded) this.heldUndecoded -= 1;
      this.head += 1;
      released += 1;
    }
    if (last !== undefined) this.setPosition(last.sequenceNumber, undefined);
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.base += this.head;
      this.decodedAt -= this.head;
      this.head = 0;
    }
    // Inside the first record in flight: the items every pending sink is done with, contiguously.
    const first = this.entries[this.head];
    if (first !== undefined && anyPending(first)) {
      let lowest = Number.POSITIVE_INFINITY;
      const partial = first.partial;
      for (let k = 0; k < first.receivers.length && lowest >= 0; k += 1) {
        if (!isPendingAt(first, k)) continue;
        const done = partial?.get(first.receivers[k] as number);
        lowest = Math.min(lowest, done === undefined ? -1 : contiguous(done));
      }
      if (lowest >= 0) this.setPosition(first.sequenceNumber, lowest);
    }
    return released;
  }

  private setPosition(sequenceNumber: string, sub: number | undefined): void {
    if (this.positionSequence === sequenceNumber && this.positionSub === sub) return;
    this.positionSequence = sequenceNumber;
    this.positionSub = sub;
    this.position = undefined;
  }
}
