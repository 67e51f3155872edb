/**
 * The browser build's stand-in for buffer.ts: no Node Buffer, but plain Uint8Array instances
 * (of a subclass carrying the few Buffer methods the processors call: write, toString, equals).
 * Records leave the library as these Uint8Arrays.
 */

export type BufferEncoding = 'utf8' | 'utf-8' | 'latin1' | 'hex';

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text, kept as Node's Buffer keeps it (a TextDecoder drops it).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const HEX = '0123456789abcdef';

function checkEncoding(encoding: string): 'utf8' | 'latin1' | 'hex' {
  if (encoding === 'utf8' || encoding === 'utf-8') return 'utf8';
  if (encoding === 'latin1' || encoding === 'hex') return encoding;
  throw new Error(`encoding ${encoding} is not available in this build`);
}

/** UTF-8 length of a string, as Node's Buffer.byteLength counts it (a lone surrogate: 3). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A Uint8Array with the Buffer methods the library's processors use. */
export class Bytes extends Uint8Array {
  /** Writes `text` at `offset`; returns the bytes written (never a partial UTF-8 character). */
  write(
    text: string,
    offset: number,
    lengthOrEncoding?: number | BufferEncoding,
    encoding?: BufferEncoding,
  ): number {
    const length = typeof lengthOrEncoding === 'number' ? lengthOrEncoding : this.length - offset;
    const kind = checkEncoding(
      typeof lengthOrEncoding === 'string' ? lengthOrEncoding : (encoding ?? 'utf8'),
    );
    const target = this.subarray(offset, offset + length);
    if (kind === 'utf8') return encoder.encodeInto(text, target).written;
    if (kind === 'hex') throw new Error('hex writes are not available in this build');
    const count = Math.min(text.length, target.length);
    for (let i = 0; i < count; i += 1) target[i] = text.charCodeAt(i) & 0xff;
    return count;
  }

  override toString(encoding: BufferEncoding = 'utf8', start = 0, end = this.length): string {
    const part = this.subarray(start, end);
    const kind = checkEncoding(encoding);
    if (kind === 'utf8') return decoder.decode(part);
    let text = '';
    if (kind === 'hex') {
      for (const byte of part) text += (HEX[byte >> 4] as string) + (HEX[byte & 15] as string);
      return text;
    }
    for (let i = 0; i < part.length; i += 4096) {
      text += String.fromCharCode(...part.subarray(i, i + 4096));
    }
    return text;
  }

  equals(other: Uint8Array): boolean {
    if (other.byteLength !== this.byteLength) return false;
    for (let i = 0; i < this.length; i += 1) if (this[i] !== other[i]) return false;
    return true;
  }
}

function from(text: string, encoding?: BufferEncoding): Bytes;
function from(bytes: Uint8Array): Bytes;
function from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): Bytes;
function from(
  value: string | Uint8Array | ArrayBufferLike,
  second?: BufferEncoding | number,
  length?: number,
): Bytes {
  if (typeof value === 'string') {
    const kind = checkEncoding(typeof second === 'string' ? second : 'utf8');
    if (kind === 'utf8') {
      const encoded = encoder.encode(value);
      return new Bytes(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    }
    if (kind === 'hex') {
      const out = new Bytes(value.length >> 1);
      for (let i = 0; i < out.length; i += 1) out[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
    const out = new Bytes(value.length);
    for (let i = 0; i < value.length; i += 1) out[i] = value.charCodeAt(i) & 0xff;
    return out;
  }
  if (ArrayBuffer.isView(value)) {
    const copy = new Bytes(value.byteLength);
    copy.set(value);
    return copy;
  }
  const offset = typeof second === 'number' ? second : 0;
  return new Bytes(value as ArrayBuffer, offset, length ?? value.byteLength - offset);
}

/** The static side of Node's Buffer that the library uses. */
export const Buffer = {
  from,
  allocUnsafe: (size: number): Bytes => new Bytes(size),
  alloc: (size: number): Bytes => new Bytes(size),
  byteLength: (text: string, encoding: BufferEncoding = 'utf8'): number => {
    const kind = checkEncoding(encoding);
    return kind === 'utf8' ? utf8Length(text) : kind === 'hex' ? text.length >> 1 : text.length;
  },
  isBuffer: (value: unknown): value is Bytes => value instanceof Bytes,
};
export type Buffer = Bytes;
