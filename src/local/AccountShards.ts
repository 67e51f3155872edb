import type { StoredStream } from './storedStreams.js';

/**
 * The shards of the account, as its shard limit counts them: the open shards of every stream,
 * and the shards a stream still CREATING was asked for (kinesalite adds a stream's shards only
 * once it is ACTIVE, so concurrent creations would otherwise pass the limit together). Read
 * from the backing store's own records in one pass, however many streams there are.
 */
export class AccountShards {
  /** The ShardCount of each stream created and not yet seen past CREATING. */
  private readonly creating = new Map<string, number>();

  constructor(private readonly storedStreams: () => Promise<readonly StoredStream[]>) {}

  /** A CreateStream of `shards` shards was accepted: they count while the stream is CREATING. */
  noteCreating(streamName: string, shards: number): void {
    this.creating.set(streamName, shards);
  }

  /** Open shards over every stream (a stream CREATING has none yet). */
  async open(): Promise<number> {
    return (await this.storedStreams()).reduce((sum, stream) => sum + stream.openShards, 0);
  }

  /** Open shards and those of the streams still CREATING: what a new shard is checked against. */
  async counted(): Promise<number> {
    const streams = await this.storedStreams();
    const stillCreating = new Set<string>();
    let count = 0;
    for (const stream of streams) {
      count += stream.openShards;
      if (stream.status !== 'CREATING') continue;
      stillCreating.add(stream.name);
      count += this.creating.get(stream.name) ?? 0;
    }
    // Streams past CREATING (or gone) count by their open shards from now on.
    for (const name of [...this.creating.keys()]) if (!stillCreating.has(name)) this.creating.delete(name);
    return count;
  }
}
