import type { CheckpointPosition } from '../checkpointers/Checkpointer.js';
import { compareSequenceNumbers } from './compareSequenceNumbers.js';

interface Entry {
  readonly sequenceNumber: string;
  /** Sinks that have not passed the whole record yet. */
  readonly pending: Set<number>;
  /** Per sink, the highest item index passed of a partly passed record. */
  readonly partial: Map<number, number>;
}

/**
 * The records of one shard that are in flight, in the order they were emitted, and the position
 * that may be committed: the end of the longest prefix every checkpoint() sink has passed.
 */
export class ShardProgress {
  private entries: Entry[] = [];
  private head = 0;
  private position: CheckpointPosition | undefined;
  private written: CheckpointPosition | undefined;

  /** Records in flight. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** The position that may be committed now, if any record was passed. */
  get committable(): CheckpointPosition | undefined {
    return this.position;
  }

  /** True when the committable position differs from the last one written. */
  get dirty(): boolean {
    const a = this.position;
    const b = this.written;
    if (a === undefined) return false;
    return (
      b === undefined || a.sequenceNumber !== b.sequenceNumber || a.subSequenceNumber !== b.subSequenceNumber
    );
  }

  markWritten(position: CheckpointPosition): void {
    this.written = position;
  }

  /** Tracks an emitted record until every sink in `sinks` has passed it. */
  add(sequenceNumber: string, sinks: Iterable<number>): void {
    this.entries.push({ sequenceNumber, pending: new Set(sinks), partial: new Map() });
  }

  /**
   * Sink `sinkId` passed the record at `sequenceNumber` (items 0..sub, or whole when sub is
   * undefined), and so everything before it. Returns how many records left flight.
   */
  pass(sinkId: number, sequenceNumber: string, subSequenceNumber: number | undefined): number {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      const order = compareSequenceNumbers(entry.sequenceNumber, sequenceNumber);
      if (order > 0) break;
      if (order < 0 || subSequenceNumber === undefined) {
        entry.pending.delete(sinkId);
        entry.partial.delete(sinkId);
      } else if (entry.pending.has(sinkId)) {
        entry.partial.set(sinkId, Math.max(entry.partial.get(sinkId) ?? -1, subSequenceNumber));
      }
      if (order === 0) break;
    }
    return this.advance();
  }

  /** Forgets a sink everywhere. Returns how many records left flight. */
  removeSink(sinkId: number): number {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as Entry;
      entry.pending.delete(sinkId);
      entry.partial.delete(sinkId);
    }
    return this.advance();
  }

  /** Drops every record (lease lost, consumer stopped). Returns how many left flight. */
  clear(): number {
    const count = this.size;
    this.entries = [];
    this.head = 0;
    return count;
  }

  private advance(): number {
    let released = 0;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      if (entry.pending.size > 0) break;
      this.position = { sequenceNumber: entry.sequenceNumber };
      this.head += 1;
      released += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    const first = this.entries[this.head];
    if (first !== undefined && first.partial.size > 0 && first.partial.size === first.pending.size) {
      let lowest = Number.POSITIVE_INFINITY;
      for (const sub of first.partial.values()) lowest = Math.min(lowest, sub);
      this.position = { sequenceNumber: first.sequenceNumber, subSequenceNumber: lowest };
    }
    return released;
  }
}
