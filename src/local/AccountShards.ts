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
  /** For each stream name, the end of the last CreateStream of it checked (its answer given). */
  private readonly claiming = new Map<string, Promise<void>>();

  /** Each stream split and not yet seen past UPDATING: the shards the split opens. */
  private readonly splitting = new Map<string, Creating>();

  /**
   * `scalingTarget`: the open shards an UpdateShardCount under way is to leave a stream with
   * (the shards still to open count from the call on, as AWS checks the whole change at once).
   */
  constructor(
    private readonly storedStreams: () => Promise<readonly StoredStream[]>,
    private readonly scalingTarget: (streamName: string) => number | undefined = () => undefined,
  ) {}

  /** A SplitShard was accepted: the shard it opens counts while the stream is UPDATING. */
  noteSplit(streamName: string): void {
    this.splitting.set(streamName, { shards: 1, noted: (this.notes += 1) });
  }

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
    const statuses = new Map<string, string>();
    let count = this.held;
    for (const stream of streams) {
      count += stream.openShards;
      statuses.set(stream.name, stream.status);
      const target = this.scalingTarget(stream.name);
      if (target !== undefined) count += Math.max(0, target - stream.openShards);
    }
    const pending = (notes: Map<string, Creating>, status: string): void => {
      for (const [name, { shards, noted }] of [...notes]) {
        // Noted while the store was read: the read may have come before the change was stored.
        if (statuses.get(name) === status || noted > readFrom) count += shards;
        // Streams past that status (or gone) count by their open shards from now on.
        else notes.delete(name);
      }
    };
    pending(this.creating, 'CREATING');
    pending(this.splitting, 'UPDATING');
    return count;
  }

  /**
   * Checks a CreateStream of `shards` shards for `streamName` against `limit`, one check at a
   * time: one that passes holds its shards (counted by the checks after it) until `release` is
   * given the backing store's answer; a stream created then counts by them while CREATING. One
   * refused returns the count it was refused with. Checks of one stream name wait for the answer
   * to the one before.
   */
  async claim(streamName: string, shards: number, limit: number): Promise<ShardClaim> {
    // A CreateStream of a name already being created waits for that one's answer: the stream
    // then exists (refused as in use) or not, rather than its shards being counted against this.
    const before = this.claiming.get(streamName);
    let ended!: () => void;
    const mine = new Promise<void>((resolve) => (ended = resolve));
    this.claiming.set(streamName, mine);
    const end = (): void => {
      if (this.claiming.get(streamName) === mine) this.claiming.delete(streamName);
      ended();
    };
    try {
      await before;
      return await this.claimInTurn(streamName, shards, limit, end);
    } catch (error) {
      end();
      throw error;
    }
  }

  private async claimInTurn(
    streamName: string,
    shards: number,
    limit: number,
    end: () => void,
  ): Promise<ShardClaim> {
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
    if (counted + shards > limit) {
      end();
      return { counted };
    }
    this.held += shards;
    return {
      release: (answer) => {
        void answer
          .then((answered) => {
            if (answered.status === 200) this.noteCreating(streamName, shards);
          })
          .catch(() => undefined)
          .finally(() => {
            this.held -= shards;
            end();
          });
      },
    };
  }
}
