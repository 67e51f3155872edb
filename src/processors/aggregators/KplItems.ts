import type { Buffer } from '../../platform/buffer.js';
import { isUtf8 } from '../../platform/isUtf8.js';
import type { DeaggregatedItems, DeaggregatedTexts } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';

/**
 * The sub-records of a KPL aggregated record (its protobuf body decoded, its key indexes
 * checked), each made as it is asked for: sub-record i's data is `body[table[4i], table[4i + 1])`,
 * its partition key `partitionKeys[table[4i + 2]]`, its explicit hash key
 * `explicitHashKeys[table[4i + 3]]` (none for -1). Read on the text path, its text is the strict
 * UTF-8 decoding of its data.
 */
export class KplItems implements DeaggregatedItems, DeaggregatedTexts {
  readonly count: number;
  private readonly arrayBuffer: ArrayBufferLike;
  private readonly base: number;
  private readonly buffer: Buffer;

  constructor(
    body: Uint8Array,
    private readonly partitionKeys: readonly string[],
    private readonly explicitHashKeys: readonly string[],
    private readonly table: Int32Array,
  ) {
    this.count = table.length >> 2;
    this.arrayBuffer = body.buffer;
    this.base = body.byteOffset;
    this.buffer = toBuffer(body);
  }

  data(index: number): Uint8Array {
    const table = this.table;
    const at = 4 * index;
    const start = table[at] as number;
    return new Uint8Array(this.arrayBuffer, this.base + start, (table[at + 1] as number) - start);
  }

  partitionKey(index: number): string {
    return this.partitionKeys[this.table[4 * index + 2] as number] as string;
  }

  explicitHashKey(index: number): string | undefined {
    const keyIndex = this.table[4 * index + 3] as number;
    return keyIndex === -1 ? undefined : this.explicitHashKeys[keyIndex];
  }

  /**
   * The text of sub-record `index`, or undefined when its data is not valid UTF-8. Decoding puts
   * U+FFFD in place of every invalid sequence: only a text holding one has its bytes checked.
   */
  text(index: number): string | undefined {
    const table = this.table;
    const at = 4 * index;
    const start = table[at] as number;
    const end = table[at + 1] as number;
    const buffer = this.buffer;
    const text = buffer.toString('utf8', start, end);
    if (text.indexOf('\uFFFD') !== -1 && !isUtf8(buffer.subarray(start, end))) return undefined;
    return text;
  }

  /** True when every sub-record has the partition key and explicit hash key given (the record's). */
  allCarry(partitionKey: string, explicitHashKey: string | undefined): boolean {
    const table = this.table;
    // Which table entries are those keys (a table may hold a key twice).
    const isKey = this.partitionKeys.map((key) => key === partitionKey);
    const isHashKey = this.explicitHashKeys.map((key) => key === explicitHashKey);
    for (let at = 0; at < table.length; at += 4) {
      if (isKey[table[at + 2] as number] !== true) return false;
      const hashKeyIndex = table[at + 3] as number;
      if (explicitHashKey === undefined ? hashKeyIndex !== -1 : isHashKey[hashKeyIndex] !== true)
        return false;
    }
    return true;
  }
}
