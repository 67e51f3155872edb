/*
 * The MessagePack encodings of numbers, bigints and Dates as msgpackWriter.ts writes them, each
 * a function of the bytes, the offset and the value that returns the offset after what it wrote
 * (-1 when the writer gives up on the value): the caller makes the room (9 bytes for a number or
 * bigint, 15 for a Date) first.
 */

const TWO_32 = 0x100000000;
const TWO_34 = 0x400000000;
const isSafeInteger = Number.isSafeInteger;

// Float64 written big-endian through one 8-byte scratch (reversed on little-endian platforms).
const scratchFloat = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchFloat.buffer);
scratchFloat[0] = 2;
/** Index of the float64's most significant byte in the scratch: 7 little-endian, 0 big-endian. */
const HIGH_BYTE = scratchBytes[7] === 0x40 ? 7 : 0;
const LOW_STEP = HIGH_BYTE === 7 ? -1 : 1;

/** Four bytes big-endian of an int32 or uint32 value. */
export function write32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/**
 * The smallest integer encoding for integral numbers up to 32 bits (msgpackr's, -0 as 0),
 * uint64 / int64 for safe integers beyond (Python's), float64 for the rest (NaN, infinities,
 * fractions and integers beyond 2^53, which cannot be told from floats).
 */
export function writeNumberAt(bytes: Uint8Array, at: number, value: number): number {
  const j = at;
  if (value >>> 0 === value) {
    if (value < 0x80) {
      bytes[j] = value;
      return j + 1;
    } else if (value < 0x100) {
      bytes[j] = 0xcc;
      bytes[j + 1] = value;
      return j + 2;
    } else if (value < 0x10000) {
      bytes[j] = 0xcd;
      bytes[j + 1] = value >> 8;
      bytes[j + 2] = value & 0xff;
      return j + 3;
    } else {
      bytes[j] = 0xce;
      write32(bytes, j + 1, value);
      return j + 5;
    }
  } else if (value >> 0 === value) {
    if (value >= -0x20) {
      bytes[j] = 0x100 + value;
      return j + 1;
    } else if (value >= -0x80) {
      bytes[j] = 0xd0;
      bytes[j + 1] = value + 0x100;
      return j + 2;
    } else if (value >= -0x8000) {
      bytes[j] = 0xd1;
      bytes[j + 1] = (value >> 8) & 0xff;
      bytes[j + 2] = value & 0xff;
      return j + 3;
    } else {
      bytes[j] = 0xd2;
      write32(bytes, j + 1, value);
      return j + 5;
    }
  } else if (isSafeInteger(value)) {
    // Beyond 32 bits: uint64 when positive, int64 (two's complement) when negative.
    const high = Math.floor(value / TWO_32);
    bytes[j] = value > 0 ? 0xcf : 0xd3;
    write32(bytes, j + 1, high);
    write32(bytes, j + 5, value - high * TWO_32);
    return j + 9;
  } else {
    scratchFloat[0] = value;
    bytes[j] = 0xcb;
    for (let k = 0, b = HIGH_BYTE; k < 8; k += 1, b += LOW_STEP) bytes[j + 1 + k] = scratchBytes[b] as number;
    return j + 9;
  }
}

/**
 * A bigint as Python's msgpack writes an int: the smallest unsigned encoding when it is not
 * negative (positive fixint, uint 8/16/32/64), else the smallest signed one (negative fixint,
 * int 8/16/32/64). Beyond 64 bits: -1 (the msgpackr path refuses it).
 */
export function writeBigIntAt(bytes: Uint8Array, at: number, value: bigint): number {
  if (value >= -0x80000000n && value <= 0xffffffffn) return writeNumberAt(bytes, at, Number(value));
  let type: number;
  if (value > 0n && value < 0x10000000000000000n) type = 0xcf;
  else if (value < 0n && value >= -0x8000000000000000n) type = 0xd3;
  else return -1;
  const unsigned = BigInt.asUintN(64, value);
  bytes[at] = type;
  write32(bytes, at + 1, Number(unsigned >> 32n));
  write32(bytes, at + 5, Number(unsigned & 0xffffffffn));
  return at + 9;
}

/**
 * The timestamp extension (-1) as Python's msgpack writes it: 32 bits for whole seconds below
 * 2^32, 64 bits for other times from 1970 to 2^34 seconds (year 2514), else 96 bits; invalid
 * Dates give up. (msgpackr writes 96 bits from 2^32 seconds on.)
 */
export function writeDateAt(bytes: Uint8Array, at: number, date: Date): number {
  const seconds = date.getTime() / 1000;
  if (seconds !== seconds) return -1;
  const milliseconds = date.getMilliseconds();
  if (milliseconds === 0 && seconds >= 0 && seconds < TWO_32) {
    bytes[at] = 0xd6;
    bytes[at + 1] = 0xff;
    write32(bytes, at + 2, seconds);
    return at + 6;
  } else if (seconds > 0 && seconds < TWO_34) {
    // Nanoseconds in the top 30 bits, the seconds' upper 2 bits below them; then their low 32 bits.
    const whole = Math.floor(seconds);
    const high = Math.floor(whole / TWO_32);
    bytes[at] = 0xd7;
    bytes[at + 1] = 0xff;
    write32(bytes, at + 2, milliseconds * 4000000 + high);
    write32(bytes, at + 6, whole - high * TWO_32);
    return at + 10;
  } else {
    bytes[at] = 0xc7;
    bytes[at + 1] = 12;
    bytes[at + 2] = 0xff;
    write32(bytes, at + 3, milliseconds * 1000000);
    const whole = BigInt.asUintN(64, BigInt(Math.floor(seconds)));
    write32(bytes, at + 7, Number(whole >> 32n));
    write32(bytes, at + 11, Number(whole & 0xffffffffn));
    return at + 15;
  }
}
