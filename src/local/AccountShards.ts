import type { StoredStream } from './storedStreams.js';

/** A stream created and not yet seen past CREATING: its ShardCount, and when it was noted. */
interface Creating {
  readonly shards: number;
  readonly noted: number;
}

/** What a CreateStream checked against the shard limit goes on with. */
export type ShardClaim =
  { readonly counted: number } | { readonly release: (answer: Promise<{ readonly status: number }>) => void };

/**
 * The shards of the account, as its shard limit counts them: the open shards of every stream,
 * and the shards a stream still CREATING was asked for (kinesalite adds a stream's shards only
 * once it is ACTIVE, so concurrent creations would otherwise pass the limit together). Read
 * from the backing store's own records in one pass, however many streams there are.
 */
export class AccountShards {
  /** Each stream created and not yet seen past CREATING. */
  private readonly creating = new Map<string, Creating>();
  /** Notes taken so far: a note taken while the store is read is kept whatever the read saw. */
  private notes = 0;
  /** Shards of CreateStreams checked and not yet answered. */
  private held = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly storedStreams: () => Promise<readonly StoredStream[]>) {}

  /** A CreateStream of `shards` shards was accepted: they count while the stream is CREATING. */
  noteCreating(streamName: string, shards: number): void {
    this.creating.set(streamName, { shards, noted: (this.notes += 1) });
  }

  /** Open shards over every stream (a stream CREATING has none yet). */
  async open(): Promise<number> {
    return (await this.storedStreams()).reduce((sum, stream) => sum + stream.openShards, 0);
  }

  /**
   * Open shards, those of the streams still CREATING, and those of CreateStreams checked and not
   * yet answered: what a new shard is checked against.
   */
  async counted(): Promise<number> {
    const readFrom = this.notes;
    const streams = await this.storedStreams();
    const stillCreating = new Set<string>();
    let count = this.held;
    for (const stream of streams) {
      count += stream.openShards;
      if (stream.status === 'CREATING') stillCreating.add(stream.name);
    }
    for (const [name, { shards, noted }] of [...this.creating]) {
      // Noted while the store was read: the read may have come before the stream was stored.
      if (stillCreating.has(name) || noted > readFrom) count += shards;
      // Streams past CREATING (or gone) count by their open shards from now on.
      else this.creating.delete(name);
    }
    return count;
  }

  /**
   * Checks a CreateStream of `shards` shards for `streamName` against `limit`, one check at a
   * time: one that passes holds its shards (counted by the checks after it) until `release` is
   * given the backing store's answer; a stream created then counts by them while CREATING. One
   * refused returns the count it was refused with.
   */
  async claim(streamName: string, shards: number, limit: number): Promise<ShardClaim> {
    const previous = this.turn;
    let next!: () => void;
    this.turn = new Promise((resolve) => (next = resolve));
    await previous;
    let counted: number;
    try {
      counted = await this.counted();
    } finally {
      next();
    }
    if (counted + shards > limit) return { counted };
    this.held += shards;
    return {
      release: (answer) => {
        void answer
          .then((answered) => {
            if (answered.status === 200) this.noteCreating(streamName, shards);
          })
          .catch(() => undefined)
          .finally(() => (this.held -= shards));
      },
    };
  }
}
