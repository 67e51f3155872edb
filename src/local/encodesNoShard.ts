/**
 * Whether a refusal of the backing store names, as the shard a sequence number encodes, an id
 * no shard can have ("It encodes shardId--03593535488, ..." for a forged number): Kinesis calls
 * such a sequence number invalid instead.
 */
export function encodesNoShard(status: number, message: unknown): boolean {
  if (status !== 400 || typeof message !== 'string') return false;
  const encoded = /It encodes (shardId-\S*?),/.exec(message)?.[1];
  return encoded !== undefined && !/^shardId-\d{12}$/.test(encoded);
}
