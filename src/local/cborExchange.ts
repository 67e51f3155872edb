import { cbor, tag } from '@smithy/core/cbor';
import type { IncomingHttpHeaders } from 'node:http';
import { JSON_CONTENT_TYPE, type JsonObject, type UpstreamAnswer } from './UpstreamAnswer.js';

/**
 * The Kinesis CBOR protocol (`application/x-amz-cbor-1.1`), the default of the AWS SDK for Java
 * (v1 and v2) and so of the KCL, translated to and from the JSON 1.1 protocol, so that a CBOR
 * request passes the same limits, faults and validation as a JSON one and gets the same answer.
 *
 * The two protocols carry the same shapes; they differ in two kinds of value:
 * - blobs (`Data`): a CBOR byte string, base64 text in JSON;
 * - timestamps: in CBOR tag 1 holding epoch *milliseconds* (what AWS and the Java SDKs put on
 *   the wire, although RFC 8949 says seconds), in JSON a number of epoch seconds.
 */
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

/** Timestamp members of Kinesis answers (`ApproximateArrivalTimestamp` of records, and others). */
const ANSWER_TIMESTAMPS = new Set([
  'ApproximateArrivalTimestamp',
  'StreamCreationTimestamp',
  'ConsumerCreationTimestamp',
]);

/** The request body as the JSON object it stands for, or undefined if it is not a CBOR map. */
export function jsonOfCborRequest(body: Buffer): JsonObject | undefined {
  let decoded: unknown;
  try {
    decoded = cbor.deserialize(body);
  } catch {
    return undefined;
  }
  const json = toJson(decoded);
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as JsonObject) : undefined;
}

function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object' || value === null) return value;
  const tagged = value as { tag?: unknown; value?: unknown };
  if (isTimestampTag(tagged)) return Number(tagged.value) / 1000;
  const json: JsonObject = {};
  for (const [key, member] of Object.entries(value)) json[key] = toJson(member);
  return json;
}

function isTimestampTag(value: { tag?: unknown; value?: unknown }): boolean {
  return (
    (value.tag === 1 || value.tag === BigInt(1)) &&
    (typeof value.value === 'number' || typeof value.value === 'bigint')
  );
}

/** The headers of a CBOR request as a JSON one would have them (no length: the body changes). */
export function jsonRequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return { ...headers, 'content-type': JSON_CONTENT_TYPE };
}

/**
 * A JSON answer re-encoded in CBOR, as AWS answers a CBOR request (error answers too:
 * `{ __type, message }`). An answer that is not JSON (an empty 413, an XML refusal) is kept.
 */
export function cborAnswer(answer: UpstreamAnswer): UpstreamAnswer {
  const contentType = String(answer.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  if (contentType !== JSON_CONTENT_TYPE) return answer;
  let parsed: unknown;
  try {
    parsed = answer.body.length === 0 ? undefined : JSON.parse(answer.body.toString('utf8'));
  } catch {
    return answer;
  }
  const body = parsed === undefined ? Buffer.alloc(0) : cborBytes(parsed);
  return { status: answer.status, headers: { ...answer.headers, 'content-type': CBOR_CONTENT_TYPE }, body };
}

/** `value` (a JSON body) encoded in CBOR as Kinesis encodes it: blobs as bytes, timestamps as tag 1 ms. */
export function cborBytes(value: unknown): Buffer {
  return Buffer.from(cbor.serialize(toCbor(value)));
}

function toCbor(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => toCbor(item));
  if (typeof value === 'object' && value !== null) {
    const encoded: Record<string, unknown> = {};
    for (const [member, inner] of Object.entries(value)) encoded[member] = toCbor(inner, member);
    return encoded;
  }
  if (key === 'Data' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key !== undefined && ANSWER_TIMESTAMPS.has(key) && typeof value === 'number') {
    return tag({ tag: 1, value: Math.round(value * 1000) });
  }
  return value;
}
