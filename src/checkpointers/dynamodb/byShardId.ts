/** Orders lease entries by shard id. */
export function byShardId(a: { readonly shardId: string }, b: { readonly shardId: string }): number {
  return a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0;
}
