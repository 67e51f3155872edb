import type { DeaggregatedItems, RecordToDeaggregate } from '../Aggregator.js';

/**
 * The items of a byte-framed record (newline, list, netstring, or a plain record read as one
 * item), made as they are asked for: item i is the view `bytes[table[2i], table[2i + 1])` with
 * the record's partition key and explicit hash key. Without a table the record is one item,
 * its bytes as they are.
 */
export class FramedItems implements DeaggregatedItems {
  readonly count: number;
  private readonly key: string;
  private readonly hashKey: string | undefined;

  /** `bytes`: the record's data, or a Buffer view of it (item views are made by its subarray()). */
  constructor(
    record: RecordToDeaggregate,
    private readonly bytes: Uint8Array,
    private readonly table: Int32Array | undefined,
  ) {
    this.count = table === undefined ? 1 : table.length >> 1;
    this.key = record.partitionKey;
    this.hashKey = record.explicitHashKey;
  }

  data(index: number): Uint8Array {
    const table = this.table;
    if (table === undefined) return this.bytes;
    const at = 2 * index;
    return this.bytes.subarray(table[at] as number, table[at + 1] as number);
  }

  partitionKey(): string {
    return this.key;
  }

  explicitHashKey(): string | undefined {
    return this.hashKey;
  }
}
