import { Buffer } from '../../platform/buffer.js';
import { createHash } from '../../platform/crypto.js';
import { KplChecksumError } from '../errors/KplChecksumError.js';
import { KplDecodeError } from '../errors/KplDecodeError.js';
import type {
  Aggregator,
  AggregatorText,
  DeaggregatedItem,
  DeaggregatedItems,
  RecordToDeaggregate,
} from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { allItems } from './allItems.js';
import { FramedItems } from './FramedItems.js';
import { KplAccumulator } from './KplAccumulator.js';
import { KplItems } from './KplItems.js';
import { KplKeyTable } from './KplKeyTable.js';
import { KplTextAccumulator } from './KplTextAccumulator.js';
import { KPL_DIGEST_SIZE, KPL_MAGIC, KPL_OVERHEAD, hasKplMagic } from './kplFormat.js';
import { MAX_HASH_KEY, MAX_PARTITION_KEY_LENGTH } from '../../kinesis/hashKey.js';
import { decodeAggregatedRecord, type DecodedAggregatedRecord, FIELDS_PER_RECORD } from './kplProtobuf.js';

/**
 * The KPL aggregated record format (amazon-kinesis-producer's aggregation-format.md), readable
 * by the KCL, aws-kinesis-agg and async-kinesis's KPL processors: `F3 89 9A C2`, an
 * AggregatedRecord protobuf, the MD5 of that protobuf. Every item keeps its own partition key
 * and explicit hash key. Decoding checks the magic (a record without it is a plain record and
 * reads as one item) and the MD5 (KplChecksumError), and throws KplDecodeError on a truncated
 * or invalid protobuf.
 */
export function kplAggregator(): Aggregator {
  // A record whose items carry other keys than its own (the KPL's own records: each item keeps
  // its key) is turned down by the text path and read on the byte path right after, by the same
  // caller. The text path hands over what it decoded, for those bytes only, so that the MD5 and
  // the protobuf are not done twice; any other call drops it (at most one record is held).
  let heldData: Uint8Array | undefined;
  let heldItems: KplItems | undefined;
  const textItems = (record: RecordToDeaggregate): KplItems | undefined => {
    heldData = undefined;
    heldItems = undefined;
    const { data } = record;
    if (!hasKplMagic(data)) {
      const { explicitHashKey } = record;
      return new KplItems(
        data,
        KplKeyTable.of([record.partitionKey]),
        KplKeyTable.of(explicitHashKey === undefined ? [] : [explicitHashKey]),
        Int32Array.of(0, data.byteLength, 0, explicitHashKey === undefined ? -1 : 0),
      );
    }
    const items = aggregatedItems(data);
    if (items.allCarry(record.partitionKey, record.explicitHashKey)) return items;
    heldData = data;
    heldItems = items;
    return undefined;
  };
  const byteItems = (record: RecordToDeaggregate): DeaggregatedItems => {
    const items = heldData === record.data ? heldItems : undefined;
    heldData = undefined;
    heldItems = undefined;
    return items ?? kplItems(record);
  };
  return {
    name: 'kpl',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new KplAccumulator(maxRecordBytes),
    deaggregate: (record: RecordToDeaggregate): DeaggregatedItem[] => allItems(byteItems(record)),
    deaggregateLazily: byteItems,
    text: textPath(textItems),
  };
}

/**
 * The text path: texts are written into the record's buffer as they come (KplTextAccumulator).
 * Reading gives texts only for records whose items all carry the record's own keys (each
 * item's partition key and explicit hash key those of the record), as the text path's items
 * do; any other record, and one whose items are not all valid UTF-8, takes the byte path.
 * Read lazily, the keys are checked before any text is made, and an item's UTF-8 as its text is.
 */
function textPath(textItems: (record: RecordToDeaggregate) => KplItems | undefined): AggregatorText {
  return {
    createAccumulator: (maxRecordBytes, traits) => new KplTextAccumulator(maxRecordBytes, traits),
    deaggregate(record: RecordToDeaggregate): string[] | undefined {
      const items = textItems(record);
      if (items === undefined) return undefined;
      const count = items.count;
      const texts = new Array<string>(count);
      for (let i = 0; i < count; i += 1) {
        const itemText = items.text(i);
        if (itemText === undefined) return undefined;
        texts[i] = itemText;
      }
      return texts;
    },
    deaggregateLazily: textItems,
  };
}

/** The record's sub-records, checked whole; a record without the magic is a plain one-item record. */
function kplItems(record: RecordToDeaggregate): DeaggregatedItems {
  const { data } = record;
  return hasKplMagic(data) ? aggregatedItems(data) : new FramedItems(record, data, undefined);
}

/** The sub-records of an aggregated record: its MD5, protobuf and key indexes checked. */
function aggregatedItems(data: Uint8Array): KplItems {
  if (data.byteLength < KPL_OVERHEAD) {
    throw new KplDecodeError(`record of ${data.byteLength} bytes is too short for magic + MD5`, 0);
  }
  const bodyEnd = data.byteLength - KPL_DIGEST_SIZE;
  const body = data.subarray(KPL_MAGIC.length, bodyEnd);
  const digest = createHash('md5').update(body).digest();
  const trailer = data.subarray(bodyEnd);
  if (!digest.equals(trailer)) {
    throw new KplChecksumError(Buffer.from(trailer).toString('hex'), digest.toString('hex'));
  }
  const decoded = decodeAggregatedRecord(body);
  const buffer = toBuffer(body);
  const partitionKeys = KplKeyTable.ofRanges(buffer, decoded.partitionKeys);
  const explicitHashKeys = KplKeyTable.ofRanges(buffer, decoded.explicitHashKeys);
  refuseLongPartitionKeys(partitionKeys);
  if (explicitHashKeys.count > 0) refuseBadExplicitHashKeys(explicitHashKeys);
  if (
    decoded.maxPartitionKeyIndex >= partitionKeys.count ||
    decoded.maxExplicitHashKeyIndex >= explicitHashKeys.count
  ) {
    throwOutOfRange(decoded, partitionKeys.count, explicitHashKeys.count);
  }
  return new KplItems(body, partitionKeys, explicitHashKeys, decoded.table);
}

/**
 * Throws the KplDecodeError of the first partition key of the table longer than Kinesis allows
 * (256 UTF-16 code units): no KPL writes one, and a hostile record could give each of its
 * ~100,000 tiny items a ~500,000-character key (every item printed or logged with its key would
 * turn its 1 MiB into ~50 GB).
 */
function refuseLongPartitionKeys(partitionKeys: KplKeyTable): void {
  for (let index = 0; index < partitionKeys.count; index += 1) {
    // A key has no more UTF-16 code units than UTF-8 bytes: only a longer one is made to count them.
    if (partitionKeys.byteLength(index) <= MAX_PARTITION_KEY_LENGTH) continue;
    const key = partitionKeys.key(index);
    if (key.length > MAX_PARTITION_KEY_LENGTH) {
      throw new KplDecodeError(
        `partition key ${index} of the table has ${key.length} UTF-16 code units, more than the ` +
          `${MAX_PARTITION_KEY_LENGTH} Kinesis allows`,
        0,
      );
    }
  }
}

/** What the KCL reads as a hash key (Java's `new BigInteger(text)`): a sign, then decimal digits. */
const KCL_HASH_KEY = /^[+-]?0*([0-9]*)$/;

/**
 * Throws the KplDecodeError of the first explicit hash key of the table that is not a decimal
 * integer from 0 to 2^128-1. The KCL reads such a key as corrupt (it logs the record, and its
 * items from that one on are lost; a key outside the shard's range drops the whole record). What
 * the KCL reads is let through as written: a sign or leading zeros (which Kinesis would refuse
 * on PutRecords, and this library does not write) do not fail the record.
 */
function refuseBadExplicitHashKeys(explicitHashKeys: KplKeyTable): void {
  for (let index = 0; index < explicitHashKeys.count; index += 1) {
    const key = explicitHashKeys.key(index);
    const digits = KCL_HASH_KEY.exec(key)?.[1];
    const valid =
      digits !== undefined &&
      key !== '' &&
      key !== '+' &&
      key !== '-' &&
      (digits === '' || (key[0] !== '-' && digits.length <= 39 && BigInt(digits) <= MAX_HASH_KEY));
    if (!valid) {
      const shown = key.length > 50 ? `${JSON.stringify(key.slice(0, 47))}...` : JSON.stringify(key);
      throw new KplDecodeError(
        `explicit hash key ${index} of the table, ${shown}, is not a decimal integer from 0 to 2^128-1`,
        0,
      );
    }
  }
}

/** Throws the KplDecodeError of the first sub-record whose key index is not in its table. */
function throwOutOfRange(
  decoded: DecodedAggregatedRecord,
  partitionKeyCount: number,
  explicitHashKeyCount: number,
): void {
  const { table, largeIndexes } = decoded;
  for (let at = 0; at < table.length; at += FIELDS_PER_RECORD) {
    const partitionKeyIndex = table[at + 2] as number;
    if (partitionKeyIndex < 0 || partitionKeyIndex >= partitionKeyCount) {
      throw new KplDecodeError(
        `sub-record ${at / FIELDS_PER_RECORD} has partition_key_index ` +
          `${largeIndexes?.get(at + 2) ?? partitionKeyIndex} but the table has ${partitionKeyCount} keys`,
        0,
      );
    }
    const explicitHashKeyIndex = table[at + 3] as number;
    if (explicitHashKeyIndex === -1) continue;
    if (explicitHashKeyIndex < 0 || explicitHashKeyIndex >= explicitHashKeyCount) {
      throw new KplDecodeError(
        `sub-record ${at / FIELDS_PER_RECORD} has explicit_hash_key_index ` +
          `${largeIndexes?.get(at + 3) ?? explicitHashKeyIndex} but the table has ${explicitHashKeyCount} keys`,
        0,
      );
    }
  }
}
