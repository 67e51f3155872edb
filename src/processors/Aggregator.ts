import type { TextTraits } from './Serializer.js';

/** One serialized item on its way into a Kinesis record. */
export interface AggregatorEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** A Kinesis record ready for PutRecords, holding `itemCount` consecutive entries. */
export interface AggregatedRecord {
  readonly data: Uint8Array;
  /** The record's partition key (for multi-item formats: the first entry's). */
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  /** How many of the entries added, in order, this record holds. */
  readonly itemCount: number;
  /** What Kinesis counts against the record limit: data bytes + partition key UTF-8 bytes. */
  readonly size: number;
}

/**
 * Packs entries into records no larger than the limit it was created with. Entries come out
 * in the order they went in. One accumulator per open record stream (the producer keeps one
 * per predicted shard).
 */
export interface RecordAccumulator {
  /**
   * Adds an entry. If the entry does not fit in the open record, that record is closed and
   * returned and the entry starts a new one. Throws RecordTooLargeError (and keeps its state
   * unchanged) if the entry could never fit in a record on its own.
   */
  add(entry: AggregatorEntry): AggregatedRecord | undefined;
  /** Closes and returns the open record, or undefined if it holds no entry. */
  flush(): AggregatedRecord | undefined;
  /** Entries in the open record. */
  readonly itemCount: number;
  /** Size of the open record if it were flushed now (0 when empty). */
  readonly size: number;
}

/** The fields of a consumed Kinesis record that deaggregation needs. */
export interface RecordToDeaggregate {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** One serialized item recovered from a record. */
export interface DeaggregatedItem {
  readonly data: Uint8Array;
  /** The item's own partition key (KPL sub-records keep theirs; other formats repeat the record's). */
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  /** Index of the item inside its record, from 0. */
  readonly subSequenceNumber: number;
}

/** Decides how serialized items are packed into Kinesis records and unpacked from them. */
export interface Aggregator {
  readonly name: string;
  /** False when every record holds exactly one item. */
  readonly aggregates: boolean;
  /** `maxRecordBytes` counts data + partition key bytes, as Kinesis does. */
  createAccumulator(maxRecordBytes: number): RecordAccumulator;
  /** Throws a typed DeaggregationError subclass on malformed input. */
  deaggregate(record: RecordToDeaggregate): DeaggregatedItem[];
  /**
   * Optional text path, used with a serializer that has one (Serializer.text): items travel as
   * strings and a record is encoded (and decoded) once, not item by item. It must produce and
   * read exactly the bytes of the byte path.
   */
  readonly text?: AggregatorText;
}

/** One item serialized as text on its way into a record (the text path). */
export interface TextAggregatorEntry {
  /** The item's text: its UTF-8 bytes are the item's data. */
  readonly text: string;
  /**
   * UTF-8 length of `text` when the caller knows it (the producer counts it for its queue
   * bounds). Without it the accumulator counts the bytes itself, exactly,
   * and may do it for many texts at once.
   */
  readonly textBytes?: number;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** A RecordAccumulator that takes items as text; records come out as bytes, as the byte path's. */
export interface TextRecordAccumulator {
  /** As RecordAccumulator.add, for an item given as text. */
  add(entry: TextAggregatorEntry): AggregatedRecord | undefined;
  flush(): AggregatedRecord | undefined;
  readonly itemCount: number;
  readonly size: number;
}

/** The text path of an aggregator. */
export interface AggregatorText {
  /** An accumulator for texts with these traits (e.g. newline-free texts skip the newline check). */
  createAccumulator(maxRecordBytes: number, traits: TextTraits): TextRecordAccumulator;
  /**
   * The texts of the record's items, in order; item i has subSequenceNumber i and the record's
   * partition key and explicit hash key. Undefined when the record is not valid UTF-8: the
   * caller then takes the byte path (deaggregate() and Serializer.deserialize()), which reports
   * the item at fault. Throws what deaggregate() throws on malformed input.
   */
  deaggregate(record: RecordToDeaggregate): string[] | undefined;
}
