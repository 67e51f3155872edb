import type { CheckpointSink } from './ConsumerLink.js';
import type { LedgerLink } from './RecordTracking.js';

/**
 * Subscription-time bindings between checkpoint() and fromKinesis(), kept for two purposes: a
 * checkpointer given only to `checkpoint(checkpointer)` becomes the consumer's when the pipeline
 * starts the consumer in the same synchronous subscribe chain (`fromKinesis(...).pipe(...,
 * checkpoint(cp)).subscribe()`); and a checkpoint() subscribed while a record is delivered is
 * known to that subscriber's ledger (see currentDelivery). Which records are tracked for which
 * subscriber never depends on them: records carry their own handles (see RecordTracking).
 */
let current: CheckpointSink | undefined;

/** Runs `subscribe` with `sink` published; restores the previous one afterwards (nesting-safe). */
export function withCheckpointSink<T>(sink: CheckpointSink, subscribe: () => T): T {
  const previous = current;
  current = sink;
  try {
    return subscribe();
  } finally {
    current = previous;
  }
}

/** The sink of the checkpoint() operator being subscribed right now, if any. */
export function currentCheckpointSink(): CheckpointSink | undefined {
  return current;
}

/**
 * The subscriber a record is being delivered to right now, if any. A checkpoint() subscribed
 * during that delivery (one per groupBy() group, or in a mergeMap() inner, made for the record)
 * belongs to that subscriber's pipeline: it joins its ledger at once, so a subscription ended
 * before the checkpoint() passed anything (take(n) before the work) still waits for it to pass
 * the records taken. It only tells the ledger that such a checkpoint() exists: what is tracked
 * and what may be committed never depend on it.
 */
let delivering: LedgerLink | undefined;

/** Marks a delivery to `ledger` as under way; returns what to restore with endDelivery(). */
export function startDelivery(ledger: LedgerLink): LedgerLink | undefined {
  const previous = delivering;
  delivering = ledger;
  return previous;
}

/** Ends the delivery startDelivery() began (nesting-safe). */
export function endDelivery(previous: LedgerLink | undefined): void {
  delivering = previous;
}

/** The subscriber a record is being delivered to right now, if any. */
export function currentDelivery(): LedgerLink | undefined {
  return delivering;
}
