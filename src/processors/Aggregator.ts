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

/**
 * A record's items, each made only when it is asked for (Aggregator.deaggregateLazily). What it
 * holds is the record's bytes and a few bytes per item (a table of item offsets, say), not an
 * object, view or string per item: so a record of many small items costs about its own size
 * while its items go out one by one. Item `index` (0 <= index < count) is deaggregate()'s item
 * `index` and has subSequenceNumber `index`. The methods make what they return anew on each call
 * and never throw for an index in range.
 */
export interface DeaggregatedItems {
  /** How many items the record holds. */
  readonly count: number;
  /** Item `index`'s bytes (a view of the record's bytes, no copy). */
  data(index: number): Uint8Array;
  /** Item `index`'s partition key. */
  partitionKey(index: number): string;
  /** Item `index`'s explicit hash key, if it has one. */
  explicitHashKey(index: number): string | undefined;
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
   * Optional: deaggregate() with each item made only when it is asked for. It checks the whole
   * record's framing before it returns, and throws what deaggregate() throws; item i of what it
   * returns is deaggregate()'s item i, with subSequenceNumber i. deserialize() uses it when it is
   * there (else deaggregate()), so that a record of many items does not hold them all while they
   * go out.
   */
  deaggregateLazily?(record: RecordToDeaggregate): DeaggregatedItems;
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
  /**
   * Optional: deaggregate() with each text made only when it is asked for; deserialize() uses it
   * when it is there. It throws what deaggregate() throws and returns undefined where it does
   * (the record must take the byte path), with one difference: an item whose bytes turn out not
   * to be valid UTF-8 only as its text is made may give no text (see DeaggregatedTexts.text).
   */
  deaggregateLazily?(record: RecordToDeaggregate): DeaggregatedTexts | undefined;
}

/**
 * The texts of a record's items, each made only when it is asked for (AggregatorText
 * .deaggregateLazily): what it holds is the record's bytes, or its text, and a few bytes per
 * item. Text `index` (0 <= index < count) is the item of subSequenceNumber `index`, with the
 * record's partition key and explicit hash key.
 */
export interface DeaggregatedTexts {
  /** How many items the record holds. */
  readonly count: number;
  /**
   * Item `index`'s text, made anew on each call; undefined when the item's bytes are not valid
   * UTF-8. deserialize() then reads the record on the byte path from that item on (before any
   * item goes out, when it decodes the record whole), so errors name the item at fault.
   */
  text(index: number): string | undefined;
}
