import { markDone, type PendingSinks } from './pendingSinks.js';

// A record in flight as ShardProgress tracks it, and what its sinks did of its items.

/** What one sink has done of a record it has not finished: a passed prefix and single skipped items. */
export interface PartlyDone {
  /** Highest item index of the prefix that is done (passed, or done before this reading); -1 for none. */
  through: number;
  /** Items dropped on their own (checkpointFilter), beyond `through`. */
  skipped: Set<number> | undefined;
}

/** A record in flight; the sinks not done with the whole record yet are its PendingSinks. */
export interface ProgressEntry extends PendingSinks {
  readonly sequenceNumber: string;
  /** Per pending sink, what it has done of a partly done record (made on the first such item). */
  partial: Map<number, PartlyDone> | undefined;
  /** Items in the record, once an item was skipped (a skip says how many there are). */
  count: number | undefined;
  /** Data bytes of the record. */
  readonly bytes: number;
  /** Items the record counts for in the budget (1 until deserialize() says more). */
  items: number;
  /** Whether deserialize() said how many items the record holds. */
  decoded: boolean;
}

/** What the sink has done of the record (made on the first partly done item). */
export function partlyDone(entry: ProgressEntry, sinkId: number): PartlyDone {
  let done = entry.partial?.get(sinkId);
  if (done === undefined)
    (entry.partial ??= new Map()).set(sinkId, (done = { through: -1, skipped: undefined }));
  return done;
}

/** The highest item index up to which every item is done (passed prefix, then skipped items). */
export function contiguous(done: PartlyDone): number {
  let through = done.through;
  while (done.skipped?.has(through + 1) === true) through += 1;
  return through;
}

/** A sink that is done with every item of a record (its count known) is done with the record. */
export function settleIfComplete(entry: ProgressEntry, sinkId: number, done: PartlyDone): void {
  if (entry.count !== undefined && contiguous(done) >= entry.count - 1) {
    markDone(entry, sinkId);
    entry.partial?.delete(sinkId);
  }
}
