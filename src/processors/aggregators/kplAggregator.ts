import { Buffer } from '../../platform/buffer.js';
import { createHash } from '../../platform/crypto.js';
import { KplChecksumError } from '../errors/KplChecksumError.js';
import { KplDecodeError } from '../errors/KplDecodeError.js';
import type { Aggregator, AggregatorText, DeaggregatedItem, RecordToDeaggregate } from '../Aggregator.js';
import { toBuffer } from '../serializers/toBuffer.js';
import { strictUtf8 } from '../strictUtf8.js';
import { KplAccumulator } from './KplAccumulator.js';
import { KplTextAccumulator } from './KplTextAccumulator.js';
import { KPL_DIGEST_SIZE, KPL_MAGIC, KPL_OVERHEAD, hasKplMagic } from './kplFormat.js';
import { decodeAggregatedRecord } from './kplProtobuf.js';
import { noneAggregator } from './noneAggregator.js';

const plain = noneAggregator();

/**
 * The KPL aggregated record format (amazon-kinesis-producer's aggregation-format.md), readable
 * by the KCL, aws-kinesis-agg and async-kinesis's KPL processors: `F3 89 9A C2`, an
 * AggregatedRecord protobuf, the MD5 of that protobuf. Every item keeps its own partition key
 * and explicit hash key. Decoding checks the magic (a record without it is a plain record and
 * reads as one item) and the MD5 (KplChecksumError), and throws KplDecodeError on a truncated
 * or invalid protobuf.
 */
export function kplAggregator(): Aggregator {
  return {
    name: 'kpl',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => new KplAccumulator(maxRecordBytes),
    deaggregate,
    text,
  };
}

/**
 * The text path: texts are written into the record's buffer as they come (KplTextAccumulator).
 * Reading gives texts only for records whose items all carry the record's own keys (each
 * item's partition key and explicit hash key those of the record), as the text path's items
 * do; any other record, and one whose items are not all valid UTF-8, takes the byte path.
 */
const text: AggregatorText = {
  createAccumulator: (maxRecordBytes, traits) => new KplTextAccumulator(maxRecordBytes, traits),
  deaggregate(record: RecordToDeaggregate): string[] | undefined {
    const items = deaggregate(record);
    const count = items.length;
    const texts = new Array<string>(count);
    for (let i = 0; i < count; i += 1) {
      const item = items[i] as DeaggregatedItem;
      if (item.partitionKey !== record.partitionKey || item.explicitHashKey !== record.explicitHashKey) {
        return undefined;
      }
      const itemText = strictUtf8(toBuffer(item.data));
      if (itemText === undefined) return undefined;
      texts[i] = itemText;
    }
    return texts;
  },
};

function deaggregate(record: RecordToDeaggregate): DeaggregatedItem[] {
  const { data } = record;
  if (!hasKplMagic(data)) return plain.deaggregate(record);
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
  const { partitionKeys, explicitHashKeys, partitionKeyIndexes, explicitHashKeyIndexes } = decoded;
  const count = decoded.data.length;
  const items: DeaggregatedItem[] = new Array<DeaggregatedItem>(count);
  for (let i = 0; i < count; i += 1) {
    const partitionKeyIndex = partitionKeyIndexes[i] as number;
    const partitionKey = partitionKeys[partitionKeyIndex];
    if (partitionKey === undefined) {
      throw new KplDecodeError(
        `sub-record ${i} has partition_key_index ${partitionKeyIndex} ` +
          `but the table has ${partitionKeys.length} keys`,
        0,
      );
    }
    const explicitHashKeyIndex = explicitHashKeyIndexes[i] as number;
    const itemData = decoded.data[i] as Uint8Array;
    if (explicitHashKeyIndex === -1) {
      items[i] = { data: itemData, partitionKey, subSequenceNumber: i };
      continue;
    }
    const explicitHashKey = explicitHashKeys[explicitHashKeyIndex];
    if (explicitHashKey === undefined) {
      throw new KplDecodeError(
        `sub-record ${i} has explicit_hash_key_index ${explicitHashKeyIndex} ` +
          `but the table has ${explicitHashKeys.length} keys`,
        0,
      );
    }
    items[i] = { data: itemData, partitionKey, explicitHashKey, subSequenceNumber: i };
  }
  return items;
}
