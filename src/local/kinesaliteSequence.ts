const VERSION_2_MIN = 2n ** 185n;
const VERSION_2_MAX = (2n ** 185n * 3n) / 2n;

/**
 * The time (ms, whole seconds) a sequence number of the backing store (kinesalite) was issued at,
 * read from its layout: version 2 numbers hold the issuing time in seconds in hex digits 29-37.
 * Used to tell when a shard was closed (its EndingSequenceNumber). Undefined for anything else.
 */
export function sequenceTimeMs(sequenceNumber: string | undefined): number | undefined {
  if (sequenceNumber === undefined || !/^\d{1,80}$/.test(sequenceNumber)) return undefined;
  const value = BigInt(sequenceNumber);
  if (value <= VERSION_2_MIN || value >= VERSION_2_MAX) return undefined;
  const hex = value.toString(16);
  if (!hex.endsWith('2')) return undefined;
  const seconds = Number.parseInt(hex.slice(29, 38), 16);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Where a record of the backing store sits: its shard's index in the stream and its order in the shard. */
export interface SequencePosition {
  /** The shard's index in its stream (shardId-000000000003: 3). */
  readonly shardIx: number;
  /** The sequence number as a number: records of one shard are issued in increasing order. */
  readonly order: bigint;
}

/**
 * The shard index and order of a version 2 sequence number of the backing store (kinesalite):
 * the shard index sits in hex digits 38-45, and within one shard the numbers increase with the
 * order records were stored in. Undefined for anything else.
 */
export function sequencePosition(sequenceNumber: unknown): SequencePosition | undefined {
  if (typeof sequenceNumber !== 'string' || !/^\d{1,80}$/.test(sequenceNumber)) return undefined;
  const value = BigInt(sequenceNumber);
  if (value <= VERSION_2_MIN || value >= VERSION_2_MAX) return undefined;
  const hex = value.toString(16);
  if (!hex.endsWith('2')) return undefined;
  const shardIx = Number.parseInt(hex.slice(38, 46), 16);
  return Number.isFinite(shardIx) ? { shardIx, order: value } : undefined;
}
