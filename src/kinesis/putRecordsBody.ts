import { Buffer } from '../platform/buffer.js';
import { toBase64 } from '../platform/base64.js';
import type { StreamParams } from './streamAddress.js';

/** One PutRecords entry as the library holds it. */
export interface PutRecordsEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
}

const encoder = new TextEncoder();
/** Base64 text at least this long goes into the body on its own, not joined to the text around it. */
const LONG_DATA = 1024;
/** Text gathered before it is written into the body. */
const FLUSH_AT = 8192;
/** Most UTF-8 bytes one UTF-16 unit of a string can take in JSON (`\u001f`: 6). */
const JSON_BYTES_PER_UNIT = 6;

/**
 * The JSON body of a PutRecords request for `entries`, as the AWS SDK's own serializer writes
 * it: `{"Records":[{"Data":"<base64>","ExplicitHashKey":"...","PartitionKey":"..."},...],
 * "StreamName":"...","StreamARN":"..."}` (members in the SDK's order, the same escapes), built
 * from base64 and JSON strings joined and encoded once into a buffer sized up front.
 */
export function putRecordsBody(stream: StreamParams, entries: readonly PutRecordsEntry[]): Uint8Array {
  let tail = ']';
  if ('StreamName' in stream) tail += `,"StreamName":${jsonString(stream.StreamName)}`;
  if (stream.StreamARN !== undefined) tail += `,"StreamARN":${jsonString(stream.StreamARN)}`;
  tail += '}';
  let bound = 16 + tail.length * JSON_BYTES_PER_UNIT;
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i]!;
    bound += 48 + Math.ceil(entry.data.byteLength / 3) * 4 + entry.partitionKey.length * JSON_BYTES_PER_UNIT;
    if (entry.explicitHashKey !== undefined) {
      bound += 24 + entry.explicitHashKey.length * JSON_BYTES_PER_UNIT;
    }
  }
  const body = Buffer.allocUnsafe(bound);
  let at = 0;
  let text = '{"Records":[';
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i]!;
    const data = toBase64(entry.data);
    text += i === 0 ? '{"Data":"' : ',{"Data":"';
    if (data.length >= LONG_DATA) {
      at += encoder.encodeInto(text, body.subarray(at)).written;
      at += encoder.encodeInto(data, body.subarray(at)).written;
      text = '"';
    } else {
      text += `${data}"`;
    }
    if (entry.explicitHashKey !== undefined)
      text += `,"ExplicitHashKey":${jsonString(entry.explicitHashKey)}`;
    text += `,"PartitionKey":${jsonString(entry.partitionKey)}}`;
    if (text.length >= FLUSH_AT) {
      at += encoder.encodeInto(text, body.subarray(at)).written;
      text = '';
    }
  }
  text += tail;
  at += encoder.encodeInto(text, body.subarray(at)).written;
  return body.subarray(0, at);
}

/**
 * `text` as a JSON string, as JSON.stringify and the SDK's serializer write it (a lone surrogate
 * as a `\udXXX` escape too): quoted as it is when it is plain printable ASCII without `"` or `\`,
 * JSON.stringify otherwise.
 */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}
