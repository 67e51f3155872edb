/**
 * The shard a name means to the backing store: "shardId-000000000001", "shardId-1" and "1" all
 * name shard 1 there; undefined for a name it cannot read (it answers that itself).
 */
export function storeShardId(name: string): string | undefined {
  const digits = name.split('-')[1] || name;
  if (!/^\d+$/.test(digits)) return undefined;
  const index = Number.parseInt(digits, 10);
  if (!(index >= 0 && index <= 2_147_483_647)) return undefined;
  return `shardId-${String(index).padStart(12, '0')}`;
}
