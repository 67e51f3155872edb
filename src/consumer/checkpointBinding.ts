import type { CheckpointSink } from './ConsumerLink.js';

/**
 * Subscription-time binding between checkpoint() and fromKinesis(). While a checkpoint()
 * operator subscribes to its source, it publishes its sink here; every fromKinesis() subscribed
 * in that same synchronous call chain (through any operators in between) reads it before it
 * starts polling, so records are tracked for the sink from the first one, and a checkpointer
 * given only to checkpoint() becomes the consumer's. Sources subscribed later (asynchronously)
 * are bound on the first record that reaches the operator instead.
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
