/** A random 16-hex-digit partition key: MD5 spreads such keys evenly over the shards. */
export function randomPartitionKey(random: () => number): string {
  const part = () =>
    Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return `${part()}${part()}`;
}
