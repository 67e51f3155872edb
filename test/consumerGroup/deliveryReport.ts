// What a consumer group did with the produced records, and who holds which shard.
import type { CheckpointPosition } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseSnapshot } from '../../src/checkpointers/LeaseCoordinator.js';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import type { ProducedRecord } from './recordFeed.js';
import type { ProcessedItem } from './workerGroup.js';

const keyOf = (record: { shardId: string; sequenceNumber: string }) =>
  `${record.shardId}/${record.sequenceNumber}`;

/** Produced records no worker reported. */
export function missingRecords(
  produced: readonly ProducedRecord[],
  processed: readonly ProcessedItem[],
): ProducedRecord[] {
  const seen = new Set(processed.map(keyOf));
  return produced.filter((record) => !seen.has(keyOf(record)));
}

/** Records reported more than once, with every report of each. */
export function duplicateRecords(processed: readonly ProcessedItem[]): ProcessedItem[][] {
  const byKey = new Map<string, ProcessedItem[]>();
  for (const item of processed) byKey.set(keyOf(item), [...(byKey.get(keyOf(item)) ?? []), item]);
  return [...byKey.values()].filter((reports) => reports.length > 1);
}

/**
 * Duplicates not allowed by `checkpoints`: a record may be processed twice only if it lies after
 * the checkpoint its shard had when its owner went away (no checkpoint: any record of the shard).
 * Shards missing from `checkpoints` allow no duplicate at all.
 */
export function duplicatesBeforeCheckpoint(
  duplicates: readonly ProcessedItem[][],
  checkpoints: ReadonlyMap<string, CheckpointPosition | undefined>,
): ProcessedItem[][] {
  return duplicates.filter((reports) => {
    const { shardId, sequenceNumber } = reports[0] as ProcessedItem;
    if (!checkpoints.has(shardId)) return true;
    const position = checkpoints.get(shardId);
    return position !== undefined && compareSequenceNumbers(sequenceNumber, position.sequenceNumber) <= 0;
  });
}

/** Shards held (live lease) per live worker, workers without a shard included. */
export function holdings(snapshot: LeaseSnapshot): Map<string, string[]> {
  const held = new Map<string, string[]>(snapshot.liveWorkers.map((worker) => [worker, []]));
  for (const lease of snapshot.leases)
    if (lease.owner !== undefined) held.set(lease.owner, [...(held.get(lease.owner) ?? []), lease.shardId]);
  return held;
}

/** Shards per worker, largest first, e.g. "2/2/1/1". */
export function shape(snapshot: LeaseSnapshot): string {
  return [...holdings(snapshot).values()]
    .map((shards) => shards.length)
    .sort((a, b) => b - a)
    .join('/');
}

/** Readable holdings for failure messages, e.g. "w1:[s0,s1] w2:[]". */
export function describeHoldings(snapshot: LeaseSnapshot): string {
  return [...holdings(snapshot)]
    .map(([worker, shards]) => `${worker}:[${shards.map((s) => s.slice(-3)).join(',')}]`)
    .join(' ');
}
