import { markDone, type PendingSinks } from './pendingSinks.js';

// A record in flight as ShardProgress tracks it, and what its sinks did of its items.

/** What one sink has done of a record it has not finished: a passed prefix and single skipped items. */
export interface PartlyDone {
  /**
   * Highest item index of the prefix that is done (passed, done before this reading, or skipped
   * items next to it, moved in by contiguous()); -1 for none.
   */
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

/**
 * The highest item index up to which every item is done (passed prefix, then skipped items). The
 * skipped items it counts move into the prefix, so that each is walked over once: a record whose
 * items are dropped one by one (150,000 in a KPL record) costs its items, not their square.
 */
export function contiguous(done: PartlyDone): number {
  const skipped = done.skipped;
  if (skipped === undefined) return done.through;
  let through = done.through;
  while (skipped.delete(through + 1)) through += 1;
  done.through = through;
  return through;
}

/** A sink that is done with every item of a record (its count known) is done with the record. */
export function settleIfComplete(entry: ProgressEntry, sinkId: number, done: PartlyDone): void {
  if (entry.count !== undefined && contiguous(done) >= entry.count - 1) {
    markDone(entry, sinkId);
    entry.partial?.delete(sinkId);
  }
}
