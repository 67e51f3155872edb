/**
 * Which sinks a record in flight still waits for, without an allocation per record: the record
 * keeps the (shared) list of sinks it was emitted to and one bit per sink in `mask`. Past
 * MASK_SINKS sinks (a rare fan-out) it keeps a Set of the pending ones in `many` instead, so
 * every check stays O(1) however many subscribers there are.
 */
export interface PendingSinks {
  /** Sinks the record was emitted to (shared by the records emitted to the same sinks). */
  readonly receivers: readonly number[];
  /** Bit k set: receivers[k] is not done with the record (unused when `many` is set). */
  mask: number;
  /** The pending sinks, when there are more receivers than bits in `mask`. */
  many: Set<number> | undefined;
}

/** Most receivers tracked in the bits of `mask` (a small integer in V8). */
const MASK_SINKS = 30;

/** The `mask` and `many` of a record every one of whose `receivers` is pending. */
export function allPendingMask(receivers: readonly number[]): number {
  return receivers.length > MASK_SINKS ? 0 : (1 << receivers.length) - 1;
}

export function allPendingSet(receivers: readonly number[]): Set<number> | undefined {
  return receivers.length > MASK_SINKS ? new Set(receivers) : undefined;
}

/** Whether `sinkId` is not done with the record. */
export function isPending(entry: PendingSinks, sinkId: number): boolean {
  if (entry.many !== undefined) return entry.many.has(sinkId);
  const index = entry.receivers.indexOf(sinkId);
  return index >= 0 && (entry.mask & (1 << index)) !== 0;
}

/** Whether the k-th receiver is not done with the record. */
export function isPendingAt(entry: PendingSinks, k: number): boolean {
  if (entry.many !== undefined) return entry.many.has(entry.receivers[k] as number);
  return (entry.mask & (1 << k)) !== 0;
}

/** `sinkId` is done with the record. */
export function markDone(entry: PendingSinks, sinkId: number): void {
  if (entry.many !== undefined) {
    entry.many.delete(sinkId);
    return;
  }
  const index = entry.receivers.indexOf(sinkId);
  if (index >= 0) entry.mask &= ~(1 << index);
}

/** Whether any sink is not done with the record. */
export function anyPending(entry: PendingSinks): boolean {
  return entry.many === undefined ? entry.mask !== 0 : entry.many.size > 0;
}

/** The sinks not done with the record (a new array). */
export function pendingList(entry: PendingSinks): number[] {
  return entry.receivers.filter((_, k) => isPendingAt(entry, k));
}
