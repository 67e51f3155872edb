/** The key of a shard's lease in this process's maps: the table and the shard id. */
export function leaseKeyOf(table: string, shardId: string): string {
  return `${table}\u0000${shardId}`;
}
