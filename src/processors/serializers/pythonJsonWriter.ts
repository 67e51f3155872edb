import { Buffer } from '../../platform/buffer.js';
import * as conversion from './jsonStringifyConversion.js';
import * as numberBytes from './pythonJsonNumberBytes.js';
import * as stringBytes from './pythonJsonStringBytes.js';

// Python-style JSON bytes written straight from the value, without JSON.stringify's text and a
// second pass over it. The writer follows JSON.stringify's conversion (toJSON(key) called once
// per value, undefined / functions / symbols dropped from objects and null in arrays, NaN and
// infinities as null) for plain objects (prototype Object.prototype), arrays (prototype
// Array.prototype), strings, numbers, booleans and null, whatever toJSON returned them (a Date
// is its ISO string). Anything else (class instances, boxed primitives, maps, typed arrays,
// bigints, nesting deeper than MAX_DEPTH, which also catches cycles) gives up, and the caller
// takes the JSON.stringify path, which decides those. This file holds the slab the bytes go to
// and the structure (objects, arrays, literals); strings and numbers are written by
// pythonJsonStringBytes and pythonJsonNumberBytes, JSON.stringify's conversion is in
// jsonStringifyConversion.

/** Bytes of one slab: outputs are views of it, as Node's pool (of the same size) does for small buffers. */
const SLAB_SIZE = 8 * 1024;
/** A new item starts in a new slab when less than this is left in the open one. */
const MIN_ROOM = 1024;
/** Outputs longer than this are copied into a buffer of their own and their slab space reused. */
const MAX_SLAB_OUTPUT = 2 * 1024;
/** Deeper nesting gives up (JSON.stringify then decides: a cycle, or just deep data). */
const MAX_DEPTH = 64;

const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const isArray = Array.isArray;
const getPrototypeOf = Object.getPrototypeOf;
const keysOf = Object.keys;
// The helpers of the other files as locals, like the built-ins above: called through the module
// object, each call first runs a getter in the CommonJS that tsx (the benchmarks) runs, which
// costs this writer up to half its speed there.
const converted = conversion.converted;
const isDropped = conversion.isDropped;
const MAX_NUMBER_BYTES = numberBytes.MAX_NUMBER_BYTES;
const writeNullBytes = numberBytes.writeNullBytes;
const writeNumberBytes = numberBytes.writeNumberBytes;
const NEEDS_ESCAPE = stringBytes.NEEDS_ESCAPE;
const maxQuotedBytes = stringBytes.maxQuotedBytes;
const writeQuotedBytes = stringBytes.writeQuotedBytes;
/** Strings longer than this are checked and written natively when they need no escape. */
const LONG_STRING = 64;

// The open slab, as a Buffer (whose subarray() is the output) and as a plain Uint8Array over the
// same bytes (written element by element: faster than through the Buffer subclass). Bytes below
// `slabUsed` belong to outputs already returned and are never written again. While an item is
// written, `out` is the slab, `at` the next byte and `start` the item's first byte; all of it is
// read and written within one synchronous call.
let slabBuffer: Buffer = Buffer.alloc(0);
let out: Uint8Array = new Uint8Array(0);
let slabUsed = 0;
let start = 0;
let at = 0;
/** True while an item is written (user code, a getter or toJSON, may run meanwhile). */
let writing = false;
/** True while a text is written: a string longer than LONG_STRING gives up. */
let shortStringsOnly = false;

/** Makes room for `bytes` more bytes after `at`: a new slab, with the item's bytes so far moved in. */
function grow(bytes: number): void {
  const written = at - start;
  const size = Math.max(SLAB_SIZE, 2 * (written + bytes));
  const next = Buffer.allocUnsafe(size);
  const view = new Uint8Array(next.buffer, next.byteOffset, size);
  view.set(out.subarray(start, at), 0);
  slabBuffer = next;
  out = view;
  slabUsed = 0;
  start = 0;
  at = written;
}

/**
 * The bytes `toPythonJson(JSON.stringify(value))` would give, or undefined when the value is not
 * one this writer takes (see above): the caller then goes the JSON.stringify way. Getters run
 * as JSON.stringify runs them; when the writer gives up after reading some, the JSON.stringify
 * path reads them again.
 */
export function writePythonJson(value: unknown): Uint8Array | undefined {
  if (!writeItem(value)) return undefined;
  const length = at - start;
  if (length > MAX_SLAB_OUTPUT) {
    // Long output: its own buffer, so that a slab is not held by one long item (nor made large).
    const own = Buffer.allocUnsafe(length);
    own.set(out.subarray(start, at), 0);
    releaseItem();
    return own;
  }
  slabUsed = at;
  return slabBuffer.subarray(start, at);
}

/** writePythonJson() as text (Latin-1, which for its ASCII bytes is the same); the slab keeps no bytes. */
export function writePythonJsonText(value: unknown): string | undefined {
  // Items with a long string go the JSON.stringify way here: measured in the producer's flow,
  // texts decoded from the slab after a long native write cost more than that way does.
  const previous = shortStringsOnly;
  shortStringsOnly = true;
  const written = writeItem(value);
  shortStringsOnly = previous;
  if (!written) return undefined;
  const text = slabBuffer.toString('latin1', start, at);
  releaseItem();
  return text;
}

/** Writes the item from `start` to `at` in the open slab; false when the writer gives up (or a getter threw). */
function writeItem(value: unknown): boolean {
  // A toJSON or getter that serializes another item while this one is written: that one takes
  // the JSON.stringify path, so that this item's state is left alone.
  if (writing) return false;
  if (out.length - slabUsed < MIN_ROOM) {
    slabBuffer = Buffer.allocUnsafe(SLAB_SIZE);
    out = new Uint8Array(slabBuffer.buffer, slabBuffer.byteOffset, SLAB_SIZE);
    slabUsed = 0;
  }
  start = slabUsed;
  at = start;
  writing = true;
  try {
    const item = converted(value, '');
    return isDropped(item) ? false : writeValue(item, 0);
  } catch {
    // A getter or toJSON threw: the JSON.stringify path runs it again and reports the error.
    return false;
  } finally {
    writing = false;
  }
}

/** Gives the item's bytes in the slab back (a slab grown past its size for a long item goes). */
function releaseItem(): void {
  if (out.length > SLAB_SIZE) {
    slabBuffer = Buffer.alloc(0);
    out = new Uint8Array(0);
    slabUsed = 0;
  } else {
    slabUsed = start;
  }
}

/** Writes one converted value (see converted()); false when the writer gives up (the caller then keeps nothing). */
function writeValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      writeNumber(value);
      return true;
    case 'boolean':
      if (out.length - at < 5) grow(5);
      if (value) {
        out[at] = 0x74;
        out[at + 1] = 0x72;
        out[at + 2] = 0x75;
        out[at + 3] = 0x65;
        at += 4;
      } else {
        out[at] = 0x66;
        out[at + 1] = 0x61;
        out[at + 2] = 0x6c;
        out[at + 3] = 0x73;
        out[at + 4] = 0x65;
        at += 5;
      }
      return true;
    case 'object':
      if (value === null) {
        writeNull();
        return true;
      }
      if (depth >= MAX_DEPTH) return false;
      if (isArray(value)) {
        return getPrototypeOf(value) === ArrayPrototype && writeArray(value as unknown[], depth);
      }
      return (
        getPrototypeOf(value) === ObjectPrototype && writeObject(value as Record<string, unknown>, depth)
      );
    default:
      // Bigints without a toJSON: the JSON.stringify path reports the error.
      return false;
  }
}

function writeObject(object: Record<string, unknown>, depth: number): boolean {
  const keys = keysOf(object);
  const count = keys.length;
  if (out.length - at < 2) grow(2);
  out[at] = 0x7b;
  at += 1;
  let first = true;
  for (let k = 0; k < count; k += 1) {
    const key = keys[k] as string;
    const value = converted(object[key], key);
    if (isDropped(value)) continue;
    if (first) {
      first = false;
    } else {
      if (out.length - at < 2) grow(2);
      out[at] = 0x2c;
      out[at + 1] = 0x20;
      at += 2;
    }
    if (!writeString(key)) return false;
    if (out.length - at < 2) grow(2);
    out[at] = 0x3a;
    out[at + 1] = 0x20;
    at += 2;
    if (!writeValue(value, depth + 1)) return false;
  }
  if (out.length - at < 1) grow(1);
  out[at] = 0x7d;
  at += 1;
  return true;
}

function writeArray(array: readonly unknown[], depth: number): boolean {
  const count = array.length;
  if (out.length - at < 2) grow(2);
  out[at] = 0x5b;
  at += 1;
  for (let k = 0; k < count; k += 1) {
    if (k !== 0) {
      if (out.length - at < 2) grow(2);
      out[at] = 0x2c;
      out[at + 1] = 0x20;
      at += 2;
    }
    const value = converted(array[k], k);
    if (isDropped(value)) writeNull();
    else if (!writeValue(value, depth + 1)) return false;
  }
  if (out.length - at < 1) grow(1);
  out[at] = 0x5d;
  at += 1;
  return true;
}

function writeNull(): void {
  if (out.length - at < 4) grow(4);
  at = writeNullBytes(out, at);
}

/** A JSON string as Python writes it (see writeQuotedBytes); false when the writer gives up. */
function writeString(text: string): boolean {
  const n = text.length;
  if (n > LONG_STRING && shortStringsOnly) return false;
  if (n > LONG_STRING && !NEEDS_ESCAPE.test(text)) {
    // Long and nothing to escape: one native Latin-1 write (the same bytes for printable ASCII).
    if (out.length - at < n + 2) grow(n + 2);
    out[at] = 0x22;
    slabBuffer.write(text, at + 1, n, 'latin1');
    out[at + n + 1] = 0x22;
    at += n + 2;
    return true;
  }
  const room = maxQuotedBytes(n);
  if (out.length - at < room) grow(room);
  at = writeQuotedBytes(out, at, text);
  return true;
}

/** A number as JSON.stringify writes it (NaN and infinities as null) and then in Python's spelling. */
function writeNumber(value: number): void {
  if (out.length - at < MAX_NUMBER_BYTES) grow(MAX_NUMBER_BYTES);
  at = writeNumberBytes(out, at, value);
}
