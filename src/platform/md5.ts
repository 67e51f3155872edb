/**
 * MD5 (RFC 1321) in plain TypeScript, for runtimes without node:crypto (browsers: Web Crypto has
 * no MD5). Kinesis routes a record by the MD5 of its partition key, and the KPL record format ends
 * with the MD5 of its body. Node keeps node:crypto (see crypto.ts); bench/md5.ts compares them.
 */

/** Per-round left-rotation amounts. */
const SHIFTS = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
]);

/** floor(abs(sin(i + 1)) * 2^32), computed once. */
const SINES = new Int32Array(64);
for (let i = 0; i < 64; i += 1) SINES[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

/** Word index of the message block read in each of the 64 steps. */
const WORD_INDEX = new Uint8Array(64);
for (let i = 0; i < 64; i += 1) {
  WORD_INDEX[i] = i < 16 ? i : i < 32 ? (5 * i + 1) % 16 : i < 48 ? (3 * i + 5) % 16 : (7 * i) % 16;
}

/** Processes 64-byte blocks of `bytes` from `offset`, updating `state` (4 words). */
function blocks(state: Int32Array, bytes: Uint8Array, offset: number, end: number, words: Int32Array): void {
  for (let at = offset; at + 64 <= end; at += 64) {
    for (let w = 0; w < 16; w += 1) {
      const p = at + w * 4;
      words[w] =
        (bytes[p] as number) |
        ((bytes[p + 1] as number) << 8) |
        ((bytes[p + 2] as number) << 16) |
        ((bytes[p + 3] as number) << 24);
    }
    let a = state[0] as number;
    let b = state[1] as number;
    let c = state[2] as number;
    let d = state[3] as number;
    for (let i = 0; i < 64; i += 1) {
      let f: number;
      if (i < 16) f = (b & c) | (~b & d);
      else if (i < 32) f = (d & b) | (~d & c);
      else if (i < 48) f = b ^ c ^ d;
      else f = c ^ (b | ~d);
      const sum = (a + f + (SINES[i] as number) + (words[WORD_INDEX[i] as number] as number)) | 0;
      const shift = SHIFTS[i] as number;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    state[0] = ((state[0] as number) + a) | 0;
    state[1] = ((state[1] as number) + b) | 0;
    state[2] = ((state[2] as number) + c) | 0;
    state[3] = ((state[3] as number) + d) | 0;
  }
}

// Work areas reused by every call (md5 is synchronous, so calls never overlap).
const STATE = new Int32Array(4);
const WORDS = new Int32Array(16);
const TAIL = new Uint8Array(128);

/** The MD5 digest of `bytes` into `digest` (16 bytes). */
function md5Into(bytes: Uint8Array, digest: Uint8Array): void {
  STATE[0] = 0x67452301;
  STATE[1] = 0xefcdab89 | 0;
  STATE[2] = 0x98badcfe | 0;
  STATE[3] = 0x10325476;
  const length = bytes.byteLength;
  const whole = length - (length % 64);
  blocks(STATE, bytes, 0, whole, WORDS);
  // The tail, a 0x80 byte, zeros up to 56 mod 64, and the bit length (64-bit little-endian).
  const tailLength = length - whole;
  const tailSize = tailLength < 56 ? 64 : 128;
  TAIL.fill(0);
  TAIL.set(bytes.subarray(whole), 0);
  TAIL[tailLength] = 0x80;
  const bits = length * 8;
  const lengthAt = tailSize - 8;
  const low = bits >>> 0;
  const high = Math.floor(bits / 2 ** 32) >>> 0;
  for (let i = 0; i < 4; i += 1) {
    TAIL[lengthAt + i] = (low >>> (8 * i)) & 0xff;
    TAIL[lengthAt + 4 + i] = (high >>> (8 * i)) & 0xff;
  }
  blocks(STATE, TAIL, 0, tailSize, WORDS);
  for (let w = 0; w < 4; w += 1) {
    const word = STATE[w] as number;
    for (let i = 0; i < 4; i += 1) digest[w * 4 + i] = (word >>> (8 * i)) & 0xff;
  }
}

/** The 16-byte MD5 digest of `bytes`. */
export function md5(bytes: Uint8Array): Uint8Array {
  const digest = new Uint8Array(16);
  md5Into(bytes, digest);
  return digest;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();
const SCRATCH_LIMIT = 64 * 1024;
let scratch = new Uint8Array(1024);
const DIGEST = new Uint8Array(16);

/** MD5 of a string's UTF-8 bytes as 32 lowercase hex digits (shard prediction: one per record). */
export function md5HexOfText(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; long texts get their own buffer.
  if (text.length * 3 > SCRATCH_LIMIT) md5Into(encoder.encode(text), DIGEST);
  else {
    if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
    const { written } = encoder.encodeInto(text, scratch);
    md5Into(scratch.subarray(0, written), DIGEST);
  }
  let hex = '';
  for (let i = 0; i < 16; i += 1) hex += HEX_BYTES[DIGEST[i] as number] as string;
  return hex;
}
