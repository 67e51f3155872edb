/** A random 16-hex-digit partition key: MD5 spreads such keys evenly over the shards. */
export function randomPartitionKey(random: () => number): string {
  return hex8(random()) + hex8(random());
}

/** 8 hex digits of a number in [0, 1) (a module function: no closure per key). */
function hex8(fraction: number): string {
  return Math.floor(fraction * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}
