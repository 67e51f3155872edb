import type { CheckpointPosition } from '../checkpointers/Checkpointer.js';

/** Counters of one shard, kept across its readings (for stats()). */
export interface ShardCounters {
  records: number;
  bytes: number;
  getRecordsCalls: number;
  throttles: number;
  millisBehindLatest: number | undefined;
  lastSequenceNumber: string | undefined;
  checkpoint: CheckpointPosition | 'SHARD_END' | undefined;
}

export function newShardCounters(): ShardCounters {
  return {
    records: 0,
    bytes: 0,
    getRecordsCalls: 0,
    throttles: 0,
    millisBehindLatest: undefined,
    lastSequenceNumber: undefined,
    checkpoint: undefined,
  };
}
