import type { ShardCheckpoint } from '../checkpointers/Checkpointer.js';

/** What the group has stored for a shard, as far as the shard directory needs it. */
export interface StoredShard {
  readonly checkpoint: ShardCheckpoint | undefined;
  /** Another worker holds a live lease on it. */
  readonly leased?: boolean;
}
