import type { SchedulerLike } from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { KinesisItem } from './KinesisItem.js';
import type { KinesisRecord } from './KinesisRecord.js';

/** Where a record emitted to a tracked subscriber carries its RecordHandle. */
export const RECORD_HANDLE: unique symbol = Symbol('rxjs-kinesis.recordHandle');

/**
 * What a checkpoint() / checkpointFilter() / deserialize() in one subscriber's pipeline needs
 * to settle a record of a tracked consumer: the reading that emitted it (one shard, one lease
 * token) and the ledger of the subscriber it was emitted to. Carried by the record object
 * itself, so settling never depends on when or how the pipeline subscribed.
 */
export interface RecordHandle {
  readonly reading: ReadingLink;
  readonly ledger: LedgerLink;
  /** The checkpoint() that took the record (or an item of it) first; set by claimRecord. */
  claimedBy?: LedgerSink | undefined;
  /** checkpoint() operators after it in the same line that took it from it. */
  alsoClaimedBy?: LedgerSink[] | undefined;
  /**
   * Items a deserialize() subscribed in a checkpoint()'s subscribe made of the record (set when
   * more than one): those items are on their way to a checkpoint(), so the whole record reaching
   * one before they all passed would settle items still at work (see SplitRecordCheckpointError).
   */
  splitInto?: number | undefined;
}

/**
 * `sink` takes the record of `handle` (or an item of it). False when another checkpoint() of
 * the same subscriber took it and is not handing it on to `sink` right now: the record was
 * multicast (share(), partition()) into pipelines side by side.
 */
export function claimRecord(handle: RecordHandle, sink: LedgerSink, record: KinesisRecord): boolean {
  const first = handle.claimedBy;
  if (first === undefined) {
    handle.claimedBy = sink;
    return true;
  }
  if (first === sink) return true;
  const also = handle.alsoClaimedBy;
  if (also?.includes(sink) === true) return true;
  // A checkpoint() after another one in the same line gets the record from it.
  const from = first.forwards(record) ? first : also?.find((other) => other.forwards(record));
  if (from === undefined) return false;
  (handle.alsoClaimedBy ??= []).push(sink);
  const follows = sink.follows;
  if (follows !== undefined && sink.followsLast !== from) {
    // Every one handing the record on now is before this one in its line (A, B for C in A → B → C).
    for (const other of [first, ...(also ?? [])])
      if (other !== sink && other.forwards(record)) follows.add(other);
    sink.followsLast = from;
  }
  return true;
}

/** Whether `by` took the record of `handle` (or an item of it) before `sink`, in one line with it. */
export function inLineWith(handle: RecordHandle, sink: LedgerSink, by: LedgerSink): boolean {
  return by === sink || handle.claimedBy === by || handle.alsoClaimedBy?.includes(by) === true;
}

/**
 * Whether `other` is a checkpoint() beside `sink` for the record of `handle`: neither one in line
 * before the other (`other` did not take the record before `sink`, nor took records from it).
 */
export function besides(handle: RecordHandle, sink: LedgerSink, other: LedgerSink): boolean {
  return !inLineWith(handle, sink, other) && other.follows?.has(sink) !== true;
}

/** One reading of a shard, as the operators see it. Every call is ignored once the reading is over. */
export interface ReadingLink {
  readonly shardId: string;
  readonly checkpointer: Checkpointer;
  /** The subscriber of `ledger` is done with the record at `sequenceNumber` (items 0..sub, or whole) and all before it. */
  passed(ledger: LedgerLink, sequenceNumber: string, subSequenceNumber: number | undefined): void;
  /** One item (or the whole record) will never reach checkpoint() in `ledger`'s pipeline. */
  skipped(
    ledger: LedgerLink,
    sequenceNumber: string,
    subSequenceNumber: number | undefined,
    subRecordCount: number,
    doneThrough: number | undefined,
  ): void;
  /**
   * deserialize() found `items` items in the record (told for every record it decodes, one-item
   * ones too): the budget counts them, and counts records not decoded yet at the items per record
   * of those decoded lately.
   */
  itemsDecoded(sequenceNumber: string, items: number): void;
  /** How many leading items of the record `ledger`'s pipeline is done with (Infinity: all, or not tracked). */
  itemsDone(ledger: LedgerLink, sequenceNumber: string): number;
  /**
   * Whether `ledger`'s pipeline is not done with a record of this reading before `sequenceNumber`
   * (or an item before item `sub` of it; undefined: the whole record). False once the reading is over.
   */
  holdsBefore?(ledger: LedgerLink, sequenceNumber: string, sub: number | undefined): boolean;
  /** Calls `callback` once at the next settlement in this reading (or when it ends); returns a cancel. */
  whenSettled(callback: () => void): () => void;
  /** Writes the position that may be committed now. Never rejects. */
  commit(): Promise<void>;
}

/** A checkpoint() operator as a ledger knows it: told when a drop settled records, so drops count toward its batch. */
export interface LedgerSink {
  readonly intervalMs: number;
  settled(reading: ReadingLink): void;
  /** True while this checkpoint() hands `record` (or an item of it) on downstream. */
  forwards(record: KinesisRecord): boolean;
  /** False once this checkpoint() completed, errored or was unsubscribed: it passes nothing more. */
  isOpen(): boolean;
  /** The checkpoint()s before this one in its line that it got records from (filled by claimRecord). */
  readonly follows?: WeakSet<LedgerSink>;
  /** The first of the line `follows` was filled from last (most records in a row come one way). */
  followsLast?: LedgerSink | undefined;
  /**
   * The ledger of a subscriber whose subscription this checkpoint() started took it as one of its
   * sinks: the checkpoint() removes itself from that ledger (removeSink) when it is torn down.
   */
  attached?(ledger: LedgerLink): void;
}

/** The position a subscriber's checkpoint()s passed last in a reading, and which one passed it. */
export interface PassMark {
  sequenceNumber: string;
  /** Item index; Infinity for a whole record. */
  sub: number;
  by: LedgerSink;
  /**
   * The checkpoint()s of the subscriber that passed records of the reading (those closed before
   * the last one joined are left out), and how many joined so far (it only grows).
   */
  passers: LedgerSink[];
  joined: number;
}

/** One direct subscriber of a tracked consumer. */
export interface LedgerLink {
  readonly id: number;
  /** The consumer's scheduler: where a checkpoint() given none times its `intervalMs`. */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Per reading, the furthest position any checkpoint() of this subscriber passed: a pass behind
   * it by another checkpoint() that is not in line with that one (groupBy on another key than
   * the shard, a checkpoint() in mergeMap's inner pipelines) came out of order.
   */
  readonly passedLast: WeakMap<ReadingLink, PassMark>;
  /** A checkpoint() in this subscriber's pipeline; it is told about drops (see LedgerSink). */
  addSink(sink: LedgerSink): void;
  removeSink(sink: LedgerSink): void;
  /** A drop in this pipeline settled records of `reading`. */
  settledByDrop(reading: ReadingLink): void;
  /**
   * A checkpoint() of this subscriber found that positions it settled may be ahead of
   * unfinished work (OutOfOrderCheckpointError, MulticastCheckpointError), in any shard it
   * reads: every current reading of the consumer writes nothing more (no position, no
   * SHARD_END) and stops, so each shard is read again from the last position written before.
   */
  distrustAll(): void;
}

/** A record or an item of one, with its handle (undefined for an untracked consumer). */
export interface TrackedValue {
  readonly record: KinesisRecord;
  /** Item index when the value is an item that is not its record's last; else undefined. */
  readonly sub: number | undefined;
  readonly subSequenceNumber: number | undefined;
  readonly subRecordCount: number;
  readonly handle: RecordHandle | undefined;
}

/** Reads what a value from fromKinesis() or deserialize() carries; undefined for other values. */
export function trackedValue(value: unknown): TrackedValue | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const maybeItem = value as Partial<KinesisItem<unknown>>;
  if (
    typeof maybeItem.record === 'object' &&
    maybeItem.record !== null &&
    typeof maybeItem.subSequenceNumber === 'number'
  ) {
    const record = maybeItem.record;
    if (typeof record.sequenceNumber !== 'string') return undefined;
    const count = maybeItem.subRecordCount ?? 1;
    const complete = maybeItem.subSequenceNumber >= count - 1;
    return {
      record,
      sub: complete ? undefined : maybeItem.subSequenceNumber,
      subSequenceNumber: maybeItem.subSequenceNumber,
      subRecordCount: count,
      handle: record[RECORD_HANDLE],
    };
  }
  const record = value as KinesisRecord;
  if (typeof record.sequenceNumber !== 'string' || typeof record.shardId !== 'string') return undefined;
  return {
    record,
    sub: undefined,
    subSequenceNumber: undefined,
    subRecordCount: 1,
    handle: record[RECORD_HANDLE],
  };
}
