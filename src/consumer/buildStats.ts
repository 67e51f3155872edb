import type { ConsumerStats, ShardReadState, ShardStats } from './ConsumerStats.js';
import type { InFlightGate } from './InFlightGate.js';
import type { ShardCounters } from './ShardCounters.js';
import type { ShardReading } from './ShardReading.js';
import type { ReadingState } from './ShardReadingHost.js';

const SHOWN: Record<ReadingState, ShardReadState> = {
  reading: 'reading',
  draining: 'draining',
  ending: 'draining',
  ended: 'ended',
  releasing: 'releasing',
  stopping: 'releasing',
  released: 'unowned',
  lost: 'unowned',
  stopped: 'stopped',
  failed: 'stopped',
};

export interface StatsInput {
  readonly streamName: string;
  readonly workerId: string;
  readonly running: boolean;
  readonly gate: InFlightGate;
  readonly counters: ReadonlyMap<string, ShardCounters>;
  readonly readings: ReadonlyMap<string, ShardReading>;
  readonly isEnded: (shardId: string) => boolean;
}

/** A snapshot of a consumer for stats(). */
export function buildStats(input: StatsInput): ConsumerStats {
  const { gate } = input;
  return {
    streamName: input.streamName,
    workerId: input.workerId,
    running: input.running,
    inFlight: gate.inFlight,
    peakInFlight: gate.peakInFlight,
    maxQueueSize: gate.limit,
    inFlightItems: gate.inFlightItems,
    inFlightBytes: gate.inFlightBytes,
    shards: [...input.counters].map(([shardId, c]): ShardStats => {
      const reading = input.readings.get(shardId);
      const state: ShardReadState =
        reading !== undefined
          ? SHOWN[reading.state]
          : input.isEnded(shardId)
            ? 'ended'
            : input.running
              ? 'unowned'
              : 'stopped';
      return {
        shardId,
        state,
        records: c.records,
        bytes: c.bytes,
        getRecordsCalls: c.getRecordsCalls,
        throttles: c.throttles,
        inFlight: reading?.progress.size ?? 0,
        ...(c.millisBehindLatest === undefined ? {} : { millisBehindLatest: c.millisBehindLatest }),
        ...(c.lastSequenceNumber === undefined ? {} : { lastSequenceNumber: c.lastSequenceNumber }),
        ...(c.checkpoint === undefined ? {} : { checkpoint: c.checkpoint }),
      };
    }),
  };
}
