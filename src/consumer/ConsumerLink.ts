import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import type { LedgerSink } from './RecordTracking.js';

/**
 * A checkpoint() operator being subscribed, as fromKinesis() sees it through the synchronous
 * subscribe chain (see checkpointBinding): it may lend the consumer its checkpointer and makes
 * a consumer started by it tracked. Tracking itself never depends on this binding.
 */
export interface CheckpointSink extends LedgerSink {
  /** The checkpointer given to checkpoint(), if any. */
  readonly checkpointer?: Checkpointer;
}
