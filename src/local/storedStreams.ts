import type { Readable } from 'node:stream';

/** A stream as kinesalite's store records it: its status and how many of its shards are open. */
export interface StoredStream {
  readonly name: string;
  readonly status: string;
  /** Shards without an ending sequence number (none while CREATING: kinesalite adds them once ACTIVE). */
  readonly openShards: number;
}

/** kinesalite's table of stream records (a levelup sublevel of JSON values). */
export interface StreamRecordTable {
  createValueStream: () => Readable;
}

interface StreamRecord {
  readonly StreamName?: unknown;
  readonly StreamStatus?: unknown;
  readonly Shards?: readonly { readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: unknown } }[];
}

/**
 * Every stream record of kinesalite's store, read from the store itself in one pass (as
 * kinesalite sums shards for its own limit): no request per stream, however many there are.
 */
export function readStoredStreams(table: StreamRecordTable): Promise<StoredStream[]> {
  return new Promise((resolve, reject) => {
    const streams: StoredStream[] = [];
    const records = table.createValueStream();
    records.on('data', (record: StreamRecord) => {
      if (typeof record.StreamName !== 'string') return;
      const shards = Array.isArray(record.Shards) ? record.Shards : [];
      streams.push({
        name: record.StreamName,
        status: typeof record.StreamStatus === 'string' ? record.StreamStatus : 'UNKNOWN',
        openShards: shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber == null).length,
      });
    });
    records.once('error', reject);
    records.once('end', () => resolve(streams));
  });
}
