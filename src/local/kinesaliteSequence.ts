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
