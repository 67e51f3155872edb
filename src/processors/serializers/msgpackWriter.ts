import { Buffer } from '../../platform/buffer.js';
import { isWellFormed } from '../wellFormedText.js';
import * as scalars from './msgpackScalars.js';

// MessagePack bytes as Python's `msgpack.packb(value, use_bin_type=True)` writes them, in one
// pass over the value: the same bytes msgpackr (`useRecords: false, variableMapSize: true`)
// writes once msgpackFixups.ts has rewritten its float64 integers, for the values this writer
// takes: plain objects (constructor Object) and arrays (constructor Array), as msgpackr tells
// them, strings with no lone surrogate, numbers, booleans, null, bigints of 64 bits, Uint8Arrays
// and Buffers (bin), valid Dates (msgpackr's timestamp extension). Anything else (undefined,
// functions, symbols, lone surrogates, invalid Dates, maps, sets, class instances, other typed
// arrays, nesting deeper than MAX_DEPTH, which also catches cycles, a getter that throws, an
// item serialized from inside another's getter) gives up, and the caller takes the msgpackr
// path, which writes or refuses it as before.

/** Bytes of one slab: outputs are views of it, as msgpackr's (of the same size) are. */
const SLAB_SIZE = 8 * 1024;
/** A new item starts in a new slab when less than this is left in the open one. */
const MIN_ROOM = 512;
/** Deeper nesting gives up (msgpackr then decides: deep data, or a cycle it overflows the stack on). */
const MAX_DEPTH = 256;
/** Strings of at least this many code units are checked natively and written by the platform's encoder. */
const LONG_STRING = 64;

const keysOf = Object.keys;
// Local copies of the scalar encoders: the hot loops then call them directly rather than through
// a module binding on every value.
const write32 = scalars.write32;
const writeNumberAt = scalars.writeNumberAt;
const writeBigIntAt = scalars.writeBigIntAt;
const writeDateAt = scalars.writeDateAt;

type Utf8Write = (this: Buffer, text: string, offset: number, length: number) => number;
/** Buffer.write() in UTF-8: the browser build's stand-in has no utf8Write(). */
function writeUtf8(this: Buffer, text: string, offset: number, length: number): number {
  return this.write(text, offset, length, 'utf8');
}
/** Node's Buffer's utf8Write (which msgpackr uses too), found on the first slab; else writeUtf8(). */
let utf8Write: Utf8Write | undefined;
/** Buffer's own toJSON, which msgpackr passes by (undefined in the browser build). */
const bufferToJSON = (Buffer as { prototype?: { toJSON?: unknown } }).prototype?.toJSON;

// The open slab, as a Buffer (whose subarray() is the output, and which writes long strings) and
// as a plain Uint8Array over the same bytes (written element by element). Bytes below
// `slabUsed` belong to outputs already returned and are never written again. While an item is
// written, `start` is its first byte and `at` the next one; all of it within one synchronous call.
let slabBuffer: Buffer | undefined;
let out: Uint8Array = new Uint8Array(0);
let slabUsed = 0;
let start = 0;
let at = 0;
/** True while an item is written (a getter may serialize another item meanwhile). */
let writing = false;

/**
 * The item's MessagePack bytes as Python writes them (a view of a shared slab, never written
 * again), or undefined when this writer does not take the item (see above): the caller then
 * takes the msgpackr path. A getter read before the writer gave up is read again on that path.
 */
export function writeMsgpack(value: unknown): Buffer | undefined {
  if (writing) return undefined;
  if (slabBuffer === undefined || out.length - slabUsed < MIN_ROOM) newSlab(SLAB_SIZE);
  start = slabUsed;
  at = start;
  writing = true;
  try {
    // Giving up is an answer (false), not an exception: throwing costs more than the item.
    if (!writeValue(value, 0)) return undefined;
  } catch {
    // A getter threw: the msgpackr path runs it again and reports what it reports.
    return undefined;
  } finally {
    writing = false;
  }
  const slab = slabBuffer as Buffer;
  if (out.length > SLAB_SIZE) {
    // Grown for a long item: the next item starts a new slab, and an output that fills less than
    // half of the grown buffer is copied out, so that it does not hold the rest.
    const grown = out;
    slabBuffer = undefined;
    out = new Uint8Array(0);
    slabUsed = 0;
    if (2 * (at - start) < grown.length) {
      const own = Buffer.allocUnsafe(at - start);
      own.set(grown.subarray(start, at), 0);
      return own;
    }
  } else {
    slabUsed = (at + 7) & ~7;
  }
  return slab.subarray(start, at);
}

function newSlab(size: number): void {
  const slab = Buffer.allocUnsafe(size);
  if (utf8Write === undefined) {
    const native = (slab as unknown as { utf8Write?: Utf8Write }).utf8Write;
    utf8Write = typeof native === 'function' ? native : writeUtf8;
  }
  slabBuffer = slab;
  out = new Uint8Array(slab.buffer, slab.byteOffset, size);
  slabUsed = 0;
}

/** Makes room for `bytes` more bytes after `at`: a new slab, with the item's bytes so far moved in. */
function grow(bytes: number): void {
  const written = at - start;
  const previous = out;
  const from = start;
  newSlab(Math.max(SLAB_SIZE, 2 * (written + bytes)));
  out.set(previous.subarray(from, from + written), 0);
  start = 0;
  at = written;
}

/** Writes one value; false when the writer gives up on the item (what it wrote is then dropped). */
function writeValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      if (out.length - at < 9) grow(9);
      at = writeNumberAt(out, at, value);
      return true;
    case 'boolean':
      if (out.length - at < 1) grow(1);
      out[at] = value ? 0xc3 : 0xc2;
      at += 1;
      return true;
    case 'object':
      if (value === null) {
        if (out.length - at < 1) grow(1);
        out[at] = 0xc0;
        at += 1;
        return true;
      }
      return writeObjectValue(value, depth);
    case 'bigint': {
      if (out.length - at < 9) grow(9);
      const next = writeBigIntAt(out, at, value);
      if (next < 0) return false;
      at = next;
      return true;
    }
    default:
      // undefined, functions, symbols: the msgpackr path refuses them.
      return false;
  }
}

/** A non-null object, dispatched on its constructor as msgpackr does (the types taken here). */
function writeObjectValue(value: object, depth: number): boolean {
  if (depth >= MAX_DEPTH) return false;
  const constructor = (value as { constructor?: unknown }).constructor;
  if (constructor === Object) return writeMap(value as Record<string, unknown>, depth);
  if (constructor === Array) return writeArray(value as readonly unknown[], depth);
  if (constructor === Buffer || constructor === Uint8Array) return writeBinary(value as Uint8Array);
  if (constructor === Date) {
    if (out.length - at < 15) grow(15);
    const next = writeDateAt(out, at, value as Date);
    if (next < 0) return false;
    at = next;
    return true;
  }
  return false;
}

function writeMap(object: Record<string, unknown>, depth: number): boolean {
  const keys = keysOf(object);
  const count = keys.length;
  writeCount(count, 0x80, 0xde);
  const next = depth + 1;
  for (let k = 0; k < count; k += 1) {
    const key = keys[k] as string;
    if (!writeString(key)) return false;
    const value = object[key];
    // Inline for the common values, as writeValue() does.
    if (typeof value === 'number') {
      if (out.length - at < 9) grow(9);
      at = writeNumberAt(out, at, value);
    } else if (!(typeof value === 'string' ? writeString(value) : writeValue(value, next))) return false;
  }
  return true;
}

function writeArray(array: readonly unknown[], depth: number): boolean {
  const count = array.length;
  writeCount(count, 0x90, 0xdc);
  const next = depth + 1;
  for (let k = 0; k < count; k += 1) {
    const value = array[k];
    if (typeof value === 'number') {
      if (out.length - at < 9) grow(9);
      at = writeNumberAt(out, at, value);
    } else if (!writeValue(value, next)) return false;
  }
  return true;
}

/** A map's or array's header: fix (`fix | count`), 16-bit (`type16`) or 32-bit (`type16 + 1`) count. */
function writeCount(count: number, fix: number, type16: number): void {
  if (out.length - at < 5) grow(5);
  if (count < 0x10) {
    out[at] = fix | count;
    at += 1;
  } else if (count < 0x10000) {
    out[at] = type16;
    out[at + 1] = count >> 8;
    out[at + 2] = count & 0xff;
    at += 3;
  } else {
    out[at] = type16 + 1;
    write32(out, at + 1, count);
    at += 5;
  }
}

/** bin 8 / 16 / 32 and the bytes. */
function writeBinary(bytes: Uint8Array): boolean {
  // msgpackr writes a Buffer or Uint8Array with a toJSON of its own through that toJSON.
  const toJSON = (bytes as { toJSON?: unknown }).toJSON;
  if (toJSON !== undefined && toJSON !== bufferToJSON) return false;
  const length = bytes.byteLength;
  if (out.length - at < length + 5) grow(length + 5);
  if (length < 0x100) {
    out[at] = 0xc4;
    out[at + 1] = length;
    at += 2;
  } else if (length < 0x10000) {
    out[at] = 0xc5;
    out[at + 1] = length >> 8;
    out[at + 2] = length & 0xff;
    at += 3;
  } else {
    out[at] = 0xc6;
    write32(out, at + 1, length);
    at += 5;
  }
  out.set(bytes, at);
  at += length;
  return true;
}

/**
 * str 8 / 16 / 32 or fixstr and the string's UTF-8; a lone surrogate gives up. Short strings are
 * encoded here, code unit by code unit; long ones checked with isWellFormed() and written by the
 * platform's encoder.
 */
function writeString(text: string): boolean {
  const n = text.length;
  if (n >= LONG_STRING) return writeLongString(text, n);
  // The header's size from the code units (the bytes can only need a larger one).
  const headerSize = n < 0x20 ? 1 : 2;
  if (out.length - at < 3 * n + 2) grow(3 * n + 2);
  const bytes = out;
  let j = at + headerSize;
  for (let i = 0; i < n; i += 1) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[j] = c;
      j += 1;
    } else if (c < 0x800) {
      bytes[j] = (c >> 6) | 0xc0;
      bytes[j + 1] = (c & 0x3f) | 0x80;
      j += 2;
    } else if ((c & 0xf800) !== 0xd800) {
      bytes[j] = (c >> 12) | 0xe0;
      bytes[j + 1] = ((c >> 6) & 0x3f) | 0x80;
      bytes[j + 2] = (c & 0x3f) | 0x80;
      j += 3;
    } else {
      // A surrogate: a high one followed by a low one is a pair, anything else is alone.
      const next = text.charCodeAt(i + 1);
      if (c >= 0xdc00 || (next & 0xfc00) !== 0xdc00) return false;
      c = 0x10000 + ((c & 0x3ff) << 10) + (next & 0x3ff);
      i += 1;
      bytes[j] = (c >> 18) | 0xf0;
      bytes[j + 1] = ((c >> 12) & 0x3f) | 0x80;
      bytes[j + 2] = ((c >> 6) & 0x3f) | 0x80;
      bytes[j + 3] = (c & 0x3f) | 0x80;
      j += 4;
    }
  }
  writeStringHeader(j - at - headerSize, headerSize);
  return true;
}

function writeLongString(text: string, n: number): boolean {
  if (!isWellFormed(text)) return false;
  const headerSize = n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
  // At least one byte per code unit: written into whatever room the slab has. A write that
  // leaves fewer than 4 bytes of that room may have stopped short of the end: then again, after
  // the header, with room for every code unit's three bytes when that fits a slab, else for
  // the string's exact length.
  if (out.length - at < headerSize + n + 4) grow(headerSize + longStringRoom(text, n));
  let room = out.length - at - headerSize;
  let length = (utf8Write as Utf8Write).call(slabBuffer as Buffer, text, at + headerSize, room);
  if (room - length < 4) {
    grow(headerSize + longStringRoom(text, n));
    room = out.length - at - headerSize;
    length = (utf8Write as Utf8Write).call(slabBuffer as Buffer, text, at + headerSize, room);
  }
  writeStringHeader(length, headerSize);
  return true;
}

/** Room enough to write a long string with 4 bytes to spare (and so room for its header to grow). */
function longStringRoom(text: string, n: number): number {
  return 3 * n + 4 <= SLAB_SIZE ? 3 * n + 4 : Buffer.byteLength(text, 'utf8') + 4;
}

/** Writes the header of a str of `length` bytes written after `headerSize` bytes of room, moving them if the header needs more. */
function writeStringHeader(length: number, headerSize: number): void {
  const bytes = out;
  const j = at;
  if (length < 0x20) {
    bytes[j] = 0xa0 | length;
    at = j + 1 + length;
  } else if (length < 0x100) {
    if (headerSize < 2) bytes.copyWithin(j + 2, j + 1, j + 1 + length);
    bytes[j] = 0xd9;
    bytes[j + 1] = length;
    at = j + 2 + length;
  } else if (length < 0x10000) {
    if (headerSize < 3) bytes.copyWithin(j + 3, j + headerSize, j + headerSize + length);
    bytes[j] = 0xda;
    bytes[j + 1] = length >> 8;
    bytes[j + 2] = length & 0xff;
    at = j + 3 + length;
  } else {
    if (headerSize < 5) bytes.copyWithin(j + 5, j + headerSize, j + headerSize + length);
    bytes[j] = 0xdb;
    write32(bytes, j + 1, length);
    at = j + 5 + length;
  }
}
