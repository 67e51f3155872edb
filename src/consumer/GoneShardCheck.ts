import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';

/** What a check needs of the consumer's shard listing (see ShardDirectory). */
export interface ShardListing {
  /** How many listings (attempts included) have started so far. */
  readonly startedListings: number;
  /** Whether the last successful listing showed the shard. */
  has(shardId: string): boolean;
  /** Whether the last successful listing showed the shard open (not closed by a resharding). */
  isOpen(shardId: string): boolean;
  /** Lists the shards again (retried as any listing); the error when it failed for good. */
  refresh(running: () => boolean): Promise<RxjsKinesisError | undefined>;
  /**
   * Asked before a shard is read as ended: an error (StreamRecreatedError) when the stream under
   * the name is not the one the consumer started on; undefined when it is, or cannot be told.
   */
  sameStream?(): Promise<RxjsKinesisError | undefined>;
}

/**
 * Where a shard whose read answered ResourceNotFoundException stands: `gone` from a stream that
 * still exists (a successful listing no longer shows it), still `listed` by a listing made after
 * the refusal (the stream exists: ListShards of a deleted stream is refused too), `open` (shown
 * open by the last listing before the refusal and not by the one after: only a closed shard is
 * trimmed, so this is a listing that lags, not a shard gone), or `unknown` (the listing failed:
 * see GoneShardAnswer.listingError; or the consumer stopped).
 */
export type GoneShardState = 'gone' | 'listed' | 'open' | 'unknown';

/** A check's answer: the state and, when `unknown` because the listing failed, its error. */
export interface GoneShardAnswer {
  readonly state: GoneShardState;
  /** Why the listing failed for good (StreamNotFoundError: the stream is gone). */
  readonly listingError?: RxjsKinesisError;
}

/**
 * Answers "is this shard gone?" for every reading of a consumer with as few ListShards calls as
 * it can (ListShards has a per-stream rate): many shards trimmed at once (a stream whose parents
 * all reach the retention together) make many readings ask at the same moment. A shard absent
 * from the last successful listing is gone at once (a shard never comes back), unless it was
 * open (a trimmed shard was closed first: an open one missing is a listing that lags); otherwise the
 * readings share one listing, started after their refusals: a listing started before a refusal
 * may have been answered before the trim, so it can tell a shard gone, not still there.
 */
export class GoneShardCheck {
  /** The listing this check started that is under way, and its ordinal. */
  private flight:
    { readonly ordinal: number; readonly done: Promise<RxjsKinesisError | undefined> } | undefined;

  constructor(private readonly listing: ShardListing) {}

  /**
   * Where `shardId` stands, asked right after one of its reads was refused. `seenOpen`: whether
   * the reading last saw the shard open in the listing (for a shard a listing already left out).
   */
  async stateOf(shardId: string, running: () => boolean, seenOpen: boolean): Promise<GoneShardAnswer> {
    /** Listings started before the refusal. */
    const before = this.listing.startedListings;
    const open = this.listing.has(shardId) ? this.listing.isOpen(shardId) : seenOpen;
    const unlisted: GoneShardAnswer = { state: open ? 'open' : 'gone' };
    for (;;) {
      if (!running()) return { state: 'unknown' };
      if (!this.listing.has(shardId)) return unlisted;
      const flight = this.flight ?? this.start(running);
      const error = await flight.done;
      if (flight.ordinal > before) {
        if (error !== undefined) return { state: 'unknown', listingError: error };
        if (!running()) return { state: 'unknown' };
        if (this.listing.has(shardId)) return { state: 'listed' };
        return unlisted;
      }
      // Started before the refusal: it answers only if it no longer shows the shard (looked at
      // at the top of the loop); else a listing of its own follows, shared as this one.
    }
  }

  private start(running: () => boolean): NonNullable<GoneShardCheck['flight']> {
    const ordinal = this.listing.startedListings + 1;
    const done = this.listing.refresh(running).then(
      (error) => error,
      (error: unknown) => error as RxjsKinesisError,
    );
    const flight = { ordinal, done };
    this.flight = flight;
    void done.then(() => {
      if (this.flight === flight) this.flight = undefined;
    });
    return flight;
  }
}
