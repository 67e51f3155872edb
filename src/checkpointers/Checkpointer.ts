/**
 * Where a shard's processing stands. `subSequenceNumber` undefined means the whole record at
 * `sequenceNumber` is done (resume AFTER_SEQUENCE_NUMBER); a number k means items 0..k of that
 * (aggregated) record are done (resume AT_SEQUENCE_NUMBER and skip items up to k).
 */
export interface CheckpointPosition {
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number;
}

/** What a checkpointer stores for a shard: a position, or the marker that the shard was read to its end. */
export type ShardCheckpoint =
  { readonly kind: 'position'; readonly position: CheckpointPosition } | { readonly kind: 'shard-end' };

/** Proof of ownership of a shard's lease. Only its holder may checkpoint the shard. */
export interface Lease {
  readonly streamName: string;
  readonly shardId: string;
  readonly owner: string;
  /** Unique per acquisition: a lease taken over by another owner gets a new token. */
  readonly token: string;
  /** Epoch milliseconds after which the lease may be taken by another worker unless renewed. */
  readonly expiresAt: number;
}

/** A shard's hash key range: decimal strings, 0 ... 2^128 - 1. */
export interface ShardHashKeyRange {
  readonly startingHashKey: string;
  readonly endingHashKey: string;
}

/**
 * A shard's place in the stream's lineage, as the consumer knows it from ListShards and GetRecords.
 * Checkpointers that store lineage (the DynamoDBCheckpointer, as the KCL does in its lease table)
 * write it; others ignore it. Every field is optional: pass what is known.
 */
export interface ShardLineage {
  /** The shard's parents (ParentShardId, AdjacentParentShardId) when it came from a split or merge. */
  readonly parentShardIds?: readonly string[];
  /** The shards made from this one; known once it was read to its end. */
  readonly childShardIds?: readonly string[];
  readonly hashKeyRange?: ShardHashKeyRange;
}

/** A lease as others see it, for balancing. */
export interface LeaseInfo {
  readonly shardId: string;
  readonly owner?: string;
  readonly expiresAt?: number;
  readonly checkpoint?: ShardCheckpoint;
  /** The lineage the store holds for the shard, from checkpointers that store it. */
  readonly lineage?: ShardLineage;
}

/**
 * Stores shard positions and leases. The consumer acquires a lease before it reads a shard,
 * renews it well before `leaseDurationMs` runs out, writes checkpoints through it and releases
 * it when it stops. Implementations: MemoryCheckpointer (one process), RedisCheckpointer (many).
 *
 * Errors: operations that need ownership fail with LeaseLostError when the lease was taken
 * over, expired or released. A checkpoint never moves backwards: writing a position lower than
 * the stored one leaves the stored one in place (and resolves false).
 */
export interface Checkpointer {
  readonly name: string;
  /** How long a lease lasts without renewal. */
  readonly leaseDurationMs: number;
  /** The stored checkpoint of a shard, if any. Needs no lease. */
  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined>;
  /**
   * Takes the lease if it is free or expired, with a fresh token; undefined while anyone holds it
   * live - the same `owner` id included: a live lease belongs to the one instance holding its
   * token, so two processes started with the same worker id never share it. `lineage` (optional)
   * is what the consumer knows of the shard's parents and hash key range: checkpointers that store
   * lineage write it where the store has none, and never overwrite what is stored.
   */
  acquireLease(
    streamName: string,
    shardId: string,
    owner: string,
    lineage?: ShardLineage,
  ): Promise<Lease | undefined>;
  /** Extends the lease; LeaseLostError if it is no longer ours. */
  renewLease(lease: Lease): Promise<Lease>;
  /** Gives the lease up, keeping the checkpoint. Releasing a lease that is no longer ours is a no-op. */
  releaseLease(lease: Lease): Promise<void>;
  /** Stores a position; true if stored, false if it would have moved backwards. LeaseLostError if not ours. */
  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean>;
  /**
   * Marks the shard as read to its end (children may start). LeaseLostError if not ours.
   * `lineage.childShardIds` (optional): the shards made from it, stored by checkpointers that
   * store lineage, in the same write.
   */
  markShardEnd(lease: Lease, lineage?: ShardLineage): Promise<void>;
  /** Every lease and checkpoint known for the stream. */
  listLeases(streamName: string): Promise<LeaseInfo[]>;
  /**
   * Optional. Removes the stored state (checkpoint and lease) of shards the stream no longer
   * lists (trimmed past the retention after a resharding), each in one atomic step and only while
   * no one holds its lease (none, or expired). Resolves the ids that have no state left. The
   * consumer calls it for such shards once every listed child has a position of its own.
   */
  forgetShards?(streamName: string, shardIds: readonly string[]): Promise<string[]>;
  /** Releases resources (not the leases: the consumer releases those first). */
  close(): Promise<void>;
}
