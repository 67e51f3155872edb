import type { Buffer } from '../../platform/buffer.js';
import { isUtf8 } from '../../platform/isUtf8.js';
import type { DeaggregatedItems, DeaggregatedTexts } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import type { KplKeyTable } from './KplKeyTable.js';

/**
 * The sub-records of a KPL aggregated record (its protobuf body decoded, its key indexes
 * checked), each made as it is asked for: sub-record i's data is `body[table[4i], table[4i + 1])`,
 * its partition key `partitionKeys.key(table[4i + 2])`, its explicit hash key
 * `explicitHashKeys.key(table[4i + 3])` (none for -1). Read on the text path, its text is the strict
 * UTF-8 decoding of its data.
 */
export class KplItems implements DeaggregatedItems, DeaggregatedTexts {
  readonly count: number;
  private readonly arrayBuffer: ArrayBufferLike;
  private readonly base: number;
  private readonly buffer: Buffer;

  constructor(
    body: Uint8Array,
    private readonly partitionKeys: KplKeyTable,
    private readonly explicitHashKeys: KplKeyTable,
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
    return this.partitionKeys.key(this.table[4 * index + 2] as number);
  }

  explicitHashKey(index: number): string | undefined {
    const keyIndex = this.table[4 * index + 3] as number;
    return keyIndex === -1 ? undefined : this.explicitHashKeys.key(keyIndex);
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
    const isKey = carried(this.partitionKeys, partitionKey);
    const isHashKey = carried(this.explicitHashKeys, explicitHashKey);
    for (let at = 0; at < table.length; at += 4) {
      if (isKey[table[at + 2] as number] !== 1) return false;
      const hashKeyIndex = table[at + 3] as number;
      if (explicitHashKey === undefined ? hashKeyIndex !== -1 : isHashKey[hashKeyIndex] !== 1) return false;
    }
    return true;
  }
}

/** 1 for each key of the table that is `key`. */
function carried(keys: KplKeyTable, key: string | undefined): Uint8Array {
  const flags = new Uint8Array(keys.count);
  if (key === undefined) return flags;
  for (let index = 0; index < keys.count; index += 1) if (keys.key(index) === key) flags[index] = 1;
  return flags;
}
