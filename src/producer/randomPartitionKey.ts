/** The 16 hex digits' character codes. */
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/**
 * A random 16-hex-digit partition key: MD5 spreads such keys evenly over the shards. Each
 * `random()` call gives 8 digits (32 bits); the digits are picked by table rather than with
 * Number#toString(16), which is slow for this, as the key is made for every item.
 */
export function randomPartitionKey(random: () => number): string {
  const high = Math.floor(random() * 0x1_0000_0000);
  const low = Math.floor(random() * 0x1_0000_0000);
  return String.fromCharCode(
    HEX[(high >>> 28) & 15]!,
    HEX[(high >>> 24) & 15]!,
    HEX[(high >>> 20) & 15]!,
    HEX[(high >>> 16) & 15]!,
    HEX[(high >>> 12) & 15]!,
    HEX[(high >>> 8) & 15]!,
    HEX[(high >>> 4) & 15]!,
    HEX[high & 15]!,
    HEX[(low >>> 28) & 15]!,
    HEX[(low >>> 24) & 15]!,
    HEX[(low >>> 20) & 15]!,
    HEX[(low >>> 16) & 15]!,
    HEX[(low >>> 12) & 15]!,
    HEX[(low >>> 8) & 15]!,
    HEX[(low >>> 4) & 15]!,
    HEX[low & 15]!,
  );
}
