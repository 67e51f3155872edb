/**
 * One pass over MessagePack bytes as msgpackr writes them, fixing in place what differs from
 * Python's `msgpack.packb(value, use_bin_type=True)`:
 * - msgpackr writes an integral number beyond 32 bits as float64 (`cb`); Python writes an
 *   integer, uint64 (`cf`) when positive and int64 (`d3`) when negative. Both take 9 bytes, so
 *   the value is rewritten where it stands (safe integers only, as msgpackr cannot tell larger
 *   ones from floats either).
 * - msgpackr writes `undefined` (and a function, which it treats as undefined) as the fixext
 *   `d4 00 00`, a value Python has no counterpart for. Its offset is returned so the caller can
 *   refuse the item.
 * Returns the offset of the first `d4 00 00`, or -1 when there is none.
 */
export function fixMsgpackForPython(bytes: Buffer): number {
  let offset = 0;
  let remaining = 1;
  const end = bytes.byteLength;
  while (remaining > 0 && offset < end) {
    remaining -= 1;
    const type = bytes[offset]!;
    if (type <= 0x7f || type >= 0xe0) {
      offset += 1;
    } else if (type <= 0x8f) {
      remaining += (type & 0x0f) * 2;
      offset += 1;
    } else if (type <= 0x9f) {
      remaining += type & 0x0f;
      offset += 1;
    } else if (type <= 0xbf) {
      offset += 1 + (type & 0x1f);
    } else {
      switch (type) {
        case 0xc4:
        case 0xd9:
          offset += 2 + bytes[offset + 1]!;
          break;
        case 0xc5:
        case 0xda:
          offset += 3 + bytes.readUInt16BE(offset + 1);
          break;
        case 0xc6:
        case 0xdb:
          offset += 5 + bytes.readUInt32BE(offset + 1);
          break;
        case 0xc7:
          offset += 3 + bytes[offset + 1]!;
          break;
        case 0xc8:
          offset += 4 + bytes.readUInt16BE(offset + 1);
          break;
        case 0xc9:
          offset += 6 + bytes.readUInt32BE(offset + 1);
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          offset += 5;
          break;
        case 0xcb: {
          const value = bytes.readDoubleBE(offset + 1);
          if (Number.isSafeInteger(value) && (value > 0xffffffff || value < -0x80000000)) {
            if (value > 0) {
              bytes[offset] = 0xcf;
              bytes.writeUInt32BE(Math.floor(value / 0x100000000), offset + 1);
              bytes.writeUInt32BE(value >>> 0, offset + 5);
            } else {
              bytes[offset] = 0xd3;
              bytes.writeBigInt64BE(BigInt(value), offset + 1);
            }
          }
          offset += 9;
          break;
        }
        case 0xcc:
        case 0xd0:
          offset += 2;
          break;
        case 0xcd:
        case 0xd1:
          offset += 3;
          break;
        case 0xcf:
        case 0xd3:
          offset += 9;
          break;
        case 0xd4:
          if (bytes[offset + 1] === 0 && bytes[offset + 2] === 0) return offset;
          offset += 3;
          break;
        case 0xd5:
          offset += 4;
          break;
        case 0xd6:
          offset += 6;
          break;
        case 0xd7:
          offset += 10;
          break;
        case 0xd8:
          offset += 18;
          break;
        case 0xdc:
          remaining += bytes.readUInt16BE(offset + 1);
          offset += 3;
          break;
        case 0xdd:
          remaining += bytes.readUInt32BE(offset + 1);
          offset += 5;
          break;
        case 0xde:
          remaining += bytes.readUInt16BE(offset + 1) * 2;
          offset += 3;
          break;
        case 0xdf:
          remaining += bytes.readUInt32BE(offset + 1) * 2;
          offset += 5;
          break;
        default:
          // 0xc0 nil, 0xc2 false, 0xc3 true (0xc1 is never written).
          offset += 1;
      }
    }
  }
  return -1;
}
