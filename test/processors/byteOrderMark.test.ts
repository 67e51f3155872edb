import type { KinesisRecord } from '../../src/consumer/KinesisRecord';
import { decodeRecord, itemOf } from '../../src/operators/decodeRecord';
import { RecordDecodeError } from '../../src/processors/errors/RecordDecodeError';
import {
  jsonLineProcessor,
  jsonProcessor,
  kplStringProcessor,
  stringProcessor,
} from '../../src/processors/namedProcessors';
import type { Processor } from '../../src/processors/Processor';
import { oracleAggregate } from './awsKinesisAgg';

/*
 * A record that starts with the UTF-8 byte order mark (EF BB BF) reads the same on both builds
 * (this file runs on Node's Buffer and on the browser build's platform modules): the mark is the
 * character U+FEFF, kept in a string, and not JSON whitespace (Python's json.loads of a str
 * refuses it too). A TextDecoder left to its default drops it, silently changing the text.
 */

const BOM = [0xef, 0xbb, 0xbf];

function recordOf(data: Uint8Array, partitionKey = 'pk'): KinesisRecord {
  return {
    streamName: 'orders',
    shardId: 'shardId-000000000000',
    sequenceNumber: '49',
    partitionKey,
    data,
    approximateArrivalTimestamp: new Date(0),
  };
}

function itemsOf<T>(processor: Processor<T>, data: Uint8Array): { data: T; partitionKey: string }[] {
  const decoded = decodeRecord(processor, recordOf(data));
  return Array.from({ length: decoded.count }, (_, index) => itemOf(decoded, index));
}

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part)] : part)));

describe('a UTF-8 byte order mark', () => {
  it('stays in a string record as U+FEFF', () => {
    expect(itemsOf(stringProcessor(), bytes(BOM, 'a')).map((item) => item.data)).toEqual(['\uFEFFa']);
    expect(itemsOf(stringProcessor(), bytes(BOM)).map((item) => item.data)).toEqual(['\uFEFF']);
    expect(itemsOf(stringProcessor(), bytes(BOM, BOM)).map((item) => item.data)).toEqual(['\uFEFF\uFEFF']);
  });

  it('stays in a KPL item and in a KPL partition key', () => {
    const record = oracleAggregate([
      { partitionKey: '\uFEFFkey', data: bytes(BOM, 'first') },
      { partitionKey: 'other', data: bytes('second') },
    ]);
    const items = itemsOf(kplStringProcessor(), record.data);
    expect(items.map((item) => [item.partitionKey, item.data])).toEqual([
      ['\uFEFFkey', '\uFEFFfirst'],
      ['other', 'second'],
    ]);
  });

  it('before a JSON item refuses it, as a JSON record and as a JSON line', () => {
    expect(() => itemsOf(jsonProcessor(), bytes(BOM, '{}'))).toThrow(RecordDecodeError);
    expect(() => itemsOf(jsonLineProcessor(), bytes(BOM, '{}\n'))).toThrow(RecordDecodeError);
    // A line of the mark alone is not an empty line (those are skipped): it is an item that is not JSON.
    expect(() => itemsOf(jsonLineProcessor(), bytes(BOM, '\n{}\n'))).toThrow(RecordDecodeError);
  });
});
