import { KplDecodeError } from '../errors/KplDecodeError.js';

/** Where the varint readVarint() or slowVarint() read last ended (one per decode call). */
export interface VarintCursor {
  end: number;
}

/** Reads the varint at `offset`; the offset after it is left in `cursor.end`. */
export function readVarint(body: Uint8Array, offset: number, cursor: VarintCursor): number {
  const byte = body[offset];
  if (byte !== undefined && byte < 0x80) {
    cursor.end = offset + 1;
    return byte;
  }
  return slowVarint(body, offset, cursor);
}

/** readVarint() for any length, checked: the offset after it is left in `cursor.end`. */
export function slowVarint(body: Uint8Array, start: number, cursor: VarintCursor): number {
  let offset = start;
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i += 1) {
    const byte = body[offset];
    if (byte === undefined) throw new KplDecodeError('truncated varint', start);
    offset += 1;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      if (value > Number.MAX_SAFE_INTEGER) throw new KplDecodeError('varint too large', start);
      cursor.end = offset;
      return value;
    }
    multiplier *= 0x80;
  }
  throw new KplDecodeError('varint longer than 10 bytes', start);
}

/**
 * Skips the varint at `offset` whatever its value (a field this decoder does not read may hold
 * any 64-bit value: a negative int64 takes 10 bytes); returns the offset after it.
 */
export function skipVarint(body: Uint8Array, start: number): number {
  let offset = start;
  for (let i = 0; i < 10; i += 1) {
    const byte = body[offset];
    if (byte === undefined) throw new KplDecodeError('truncated varint', start);
    offset += 1;
    if (byte < 0x80) return offset;
  }
  throw new KplDecodeError('varint longer than 10 bytes', start);
}
