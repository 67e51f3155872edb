import type { CheckpointSink } from './ConsumerLink.js';

/**
 * Subscription-time binding between checkpoint() and fromKinesis(), kept for one purpose: a
 * checkpointer given only to `checkpoint(checkpointer)` becomes the consumer's when the pipeline
 * starts the consumer in the same synchronous subscribe chain (`fromKinesis(...).pipe(...,
 * checkpoint(cp)).subscribe()`). Which records are tracked for which subscriber never depends on
 * it: records carry their own handles (see RecordTracking).
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
