/** The stream and shard a shard iterator reads. */
export interface IteratorShard {
  readonly streamName: string;
  readonly shardId: string;
}

const ITERATOR_LIFETIME_MS = 5 * 60 * 1000;

interface IteratorEntry extends IteratorShard {
  readonly expiresAt: number;
  /** Its stream was deleted (or a stream of its name created): it reads no other stream. */
  retired: boolean;
}

/**
 * Remembers which shard each shard iterator belongs to, from the GetShardIterator responses and
 * the NextShardIterator of GetRecords responses that pass through the local server (the
 * iterators themselves are opaque). Entries are dropped after the 5 minutes an iterator lives.
 * The iterators of a deleted stream are kept (retired) as long: the backing store reads a
 * stream by its name, so it would read a new stream of the same name through them.
 */
export class IteratorRegistry {
  private readonly entries = new Map<string, IteratorEntry>();

  constructor(private readonly clock: () => number) {}

  /**
   * `retired`: the next iterator of a read through a retired one (answered while its stream was
   * DELETING): it too reads no stream created later under that name.
   */
  remember(iterator: string, shard: IteratorShard, retired = false): void {
    const now = this.clock();
    this.prune(now);
    this.entries.set(iterator, {
      streamName: shard.streamName,
      shardId: shard.shardId,
      expiresAt: now + ITERATOR_LIFETIME_MS,
      retired,
    });
  }

  /** The shard a live iterator reads (not one of a deleted stream). */
  lookup(iterator: string): IteratorShard | undefined {
    const entry = this.entries.get(iterator);
    return entry === undefined || entry.retired ? undefined : entry;
  }

  /** The shard an iterator of a deleted stream read, if `iterator` is one and has not expired. */
  retired(iterator: string): IteratorShard | undefined {
    const entry = this.entries.get(iterator);
    return entry !== undefined && entry.retired && entry.expiresAt > this.clock() ? entry : undefined;
  }

  /** Retires the iterators of a stream deleted, or of a name a new stream was created under. */
  forgetStream(streamName: string): void {
    for (const entry of this.entries.values()) {
      if (entry.streamName === streamName) entry.retired = true;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [iterator, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(iterator);
    }
  }
}
