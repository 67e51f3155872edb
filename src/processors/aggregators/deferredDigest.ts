import type { AggregatedRecord } from '../Aggregator.js';

/** A record's checksum being computed elsewhere: its last bytes are written once `done`. */
export interface PendingDigest {
  done: boolean;
}

/**
 * Takes over the MD5 of a KPL record's protobuf bytes, to be written into `trailer` (16 bytes)
 * later; undefined if it does not (the accumulator then writes it at once).
 */
export type DigestSink = (protobuf: Uint8Array, trailer: Uint8Array) => PendingDigest | undefined;

/** An aggregated record whose checksum may still be pending: it must not be sent before. */
export interface RecordWithDigest extends AggregatedRecord {
  readonly pendingDigest?: PendingDigest;
}
