/** The key of a shard's lease in this process's maps: table, stream and shard id. */
export function leaseKeyOf(table: string, streamName: string, shardId: string): string {
  return `${table}\u0000${streamName}\u0000${shardId}`;
}
