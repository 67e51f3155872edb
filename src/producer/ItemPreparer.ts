import { Buffer } from '../platform/buffer.js';
import { parseExplicitHashKey, validatePartitionKey } from '../kinesis/hashKey.js';
import type { SerializerText } from '../processors/Serializer.js';
import { textPathOf } from '../processors/textPathOf.js';
import { InvalidExplicitHashKeyError } from './errors/InvalidExplicitHashKeyError.js';
import { InvalidPartitionKeyError } from './errors/InvalidPartitionKeyError.js';
import { ItemSerializationError } from './errors/ItemSerializationError.js';
import { ItemTooLargeError } from './errors/ItemTooLargeError.js';
import type { PreparedItem } from './OutgoingRecord.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';
import type { RecordBatcher } from './RecordBatcher.js';
import { randomPartitionKey } from './randomPartitionKey.js';
import { type ShardPredictor, UNASSIGNED_SHARD } from './ShardPredictor.js';

/** Serializes and keys items (partition key, explicit hash key, size check) before admission. */
export class ItemPreparer<T> {
  private readonly aggregates: boolean;
  /** The default key of aggregated items, and the bytes of items that used it. */
  private runKey: string | undefined;
  private runBytes = 0;
  /** The batcher's closings when the run's record was last seen open, and the run's shard. */
  private runClosings = 0;
  private runShard: string | undefined;
  /** The last partition key and its UTF-8 length (aggregated items share their key). */
  private lastKey = '';
  private lastKeyBytes = 0;
  /** The error context, made once rather than per item. */
  private readonly context: { readonly streamName: string };
  /**
   * The serializer's text path when the aggregator has one too: items are then serialized to
   * text, and the lane accumulators (see LaneAccumulator) encode each record once.
   */
  private readonly text: SerializerText<T> | undefined;
  /** Draws a random partition key. */
  private readonly draw: () => string;
  /** Default keys of one-item records come from the predictor's pool (see DefaultKeyPool). */
  private readonly pooledKeys: boolean;

  constructor(
    private readonly options: ResolvedProducerOptions<T>,
    private readonly predictor: ShardPredictor,
    private readonly counters: ProducerMetrics,
    private readonly batcher: Pick<RecordBatcher<T>, 'closings' | 'hasOpenRecord'>,
  ) {
    this.aggregates = options.processor.aggregator.aggregates;
    this.text = textPathOf(options.processor)?.serializer;
    this.context = Object.freeze({ streamName: options.address.streamName });
    const { random } = options;
    this.draw = () => randomPartitionKey(random);
    // With preserveOrder, items sharing a key wait for each other: pooled keys repeat, fresh ones do not.
    this.pooledKeys = !this.aggregates && !options.preserveOrder;
  }

  /**
   * Serializes and keys an item without accepting it. Throws InvalidPartitionKeyError,
   * InvalidExplicitHashKeyError, ItemSerializationError or ItemTooLargeError, naming `index`.
   */
  prepare(item: T, index: number): PreparedItem<T> {
    try {
      return this.prepareOrThrow(item, index);
    } catch (error) {
      this.counters.countUnaccepted(UNASSIGNED_SHARD, this.options.scheduler);
      throw error;
    }
  }

  private prepareOrThrow(item: T, index: number): PreparedItem<T> {
    const { options, context } = this;
    let partitionKey: unknown;
    try {
      const option = options.partitionKey;
      if (typeof option === 'function') {
        partitionKey = option(item, index);
        validatePartitionKey(partitionKey);
      } else {
        partitionKey = option ?? this.randomKey();
      }
    } catch (error) {
      throw new InvalidPartitionKeyError(item, index, partitionKey, error, context);
    }
    const key = partitionKey as string;
    let explicitHashKey: string | undefined;
    if (options.explicitHashKey !== undefined) {
      let value: unknown;
      try {
        value = options.explicitHashKey(item, index);
        if (value !== undefined) parseExplicitHashKey(value);
      } catch (error) {
        throw new InvalidExplicitHashKeyError(item, index, value, error, context);
      }
      explicitHashKey = value as string | undefined;
    }
    const { text } = this;
    let data: Uint8Array | undefined;
    let textData = '';
    let dataBytes: number;
    try {
      if (text === undefined) {
        data = options.processor.serializer.serialize(item);
        if (!(data instanceof Uint8Array)) throw new TypeError('the serializer did not return a Uint8Array');
        dataBytes = data.byteLength;
      } else {
        textData = text.serialize(item);
        if (typeof textData !== 'string') throw new TypeError('the serializer did not return a string');
        dataBytes = text.ascii ? textData.length : Buffer.byteLength(textData, 'utf8');
      }
    } catch (error) {
      throw new ItemSerializationError(item, index, error, context);
    }
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastKeyBytes = Buffer.byteLength(key, 'utf8');
    }
    const size = dataBytes + this.lastKeyBytes;
    if (size > options.maxRecordBytes) {
      throw new ItemTooLargeError(item, index, size, options.maxRecordBytes, { context });
    }
    // A run's bytes as its record holds them: the items' data with a byte of framing each, the
    // key once (counting the key per item would end a run well short of a full record).
    if (options.partitionKey === undefined) this.runBytes += dataBytes + 1;
    return data === undefined
      ? {
          item,
          index,
          text: textData,
          textBytes: dataBytes,
          partitionKey: key,
          explicitHashKey,
          size,
          itemCount: 1,
          seq: 0,
          flushGroup: undefined,
        }
      : {
          item,
          index,
          data,
          partitionKey: key,
          explicitHashKey,
          size,
          itemCount: 1,
          seq: 0,
          flushGroup: undefined,
        };
  }

  /**
   * An item keyed by default before the first shard map was known (its key was drawn afresh):
   * takes a key from the pool now, of the same length (so its size stands), so that it costs no
   * MD5 either. Nobody has seen the old key. Items of aggregating processors keep theirs.
   */
  rekey(item: PreparedItem<T>): void {
    if (this.pooledKeys && this.options.partitionKey === undefined && item.explicitHashKey === undefined) {
      const key = this.predictor.defaultKey(this.draw);
      if (key.length === item.partitionKey.length) (item as { partitionKey: string }).partitionKey = key;
    }
  }

  /**
   * The record of the default key `key` closed (it was full): the next aggregated item starts a
   * new run, keyed for the next shard. Items already keyed with `key` join that shard's next record.
   */
  endRun(key: string): void {
    if (key === this.runKey) this.runKey = undefined;
  }

  /** An item keyed `key` went into the lane of `shardId`: the run's shard, if it is the run's key. */
  placed(key: string, shardId: string): void {
    if (key === this.runKey) this.runShard = shardId;
  }

  /**
   * The default partition key: without aggregation, a random key per item, taken from a pool
   * of keys whose shards are known so that the items go to the open shards in turn (fresh keys
   * with preserveOrder, as pooled keys repeat); with an aggregating processor, one random key
   * per record's worth of items (it is renewed once the record it fills is full, once
   * maxRecordBytes of items, counted as data and a byte of framing each, used it, or once open
   * records were closed part-filled: bufferTime, a full queue, a flush), each one
   * drawn for the next shard in turn. Only the first item's key travels with a framed record, a
   * KPL record's key table then holds one key instead of one per item, and the records spread
   * evenly over the shards.
   */
  private randomKey(): string {
    if (!this.aggregates) return this.pooledKeys ? this.predictor.defaultKey(this.draw) : this.draw();
    const closings = this.batcher.closings;
    if (closings !== this.runClosings) {
      // Open records were closed part-filled: the run goes on only if its record was kept open
      // (its shard waits for its budget, see RecordBatcher.releaseDue).
      this.runClosings = closings;
      const shard = this.runShard;
      if (shard === undefined || !this.batcher.hasOpenRecord(shard)) this.runKey = undefined;
    }
    if (this.runKey === undefined || this.runBytes >= this.options.maxRecordBytes) {
      this.runKey = this.predictor.keyForNextShard(this.draw);
      this.runBytes = 0;
      this.runShard = undefined;
    }
    return this.runKey;
  }
}
