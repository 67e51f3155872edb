/** The stream and shard a shard iterator reads. */
export interface IteratorShard {
  readonly streamName: string;
  readonly shardId: string;
}

const ITERATOR_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Remembers which shard each shard iterator belongs to, from the GetShardIterator responses and
 * the NextShardIterator of GetRecords responses that pass through the local server (the
 * iterators themselves are opaque). Entries are dropped after the 5 minutes an iterator lives.
 */
export class IteratorRegistry {
  private readonly entries = new Map<string, IteratorShard & { readonly expiresAt: number }>();

  constructor(private readonly clock: () => number) {}

  remember(iterator: string, shard: IteratorShard): void {
    const now = this.clock();
    this.prune(now);
    this.entries.set(iterator, { ...shard, expiresAt: now + ITERATOR_LIFETIME_MS });
  }

  lookup(iterator: string): IteratorShard | undefined {
    return this.entries.get(iterator);
  }

  forgetStream(streamName: string): void {
    for (const [iterator, entry] of this.entries) {
      if (entry.streamName === streamName) this.entries.delete(iterator);
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
