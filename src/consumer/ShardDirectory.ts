import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import type { ShardLineage } from '../checkpointers/Checkpointer.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { Backoff } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ConsumerEvent, ShardStartPosition } from './ConsumerEvent.js';
import { ShardListingCalls } from './ShardListingCalls.js';
import { startPosition } from './startPosition.js';
import type { StoredShard } from './StoredShard.js';

export type { StoredShard } from './StoredShard.js';

/**
 * The stream's shards and their lineage (ParentShardId, AdjacentParentShardId, ChildShards),
 * and the rules built on them: which shards may be read now (every parent read to its end) and
 * where each starts (see startPosition). Lists shards with ListShards, retrying with back-off.
 */
export class ShardDirectory {
  private known = new Map<string, Shard>();
  /** Shards known to be read to their end (SHARD_END stored), or skipped as never to be read. */
  private readonly ended = new Set<string>();
  /** Shards this consumer started reading. */
  private readonly started = new Set<string>();
  /** Shards this consumer started reading at the configured AT_TIMESTAMP (nothing stored before). */
  private readonly fromTimestamp = new Set<string>();
  /** Unknown shards of leases that newlyUnknown() reported (they had the shards listed again). */
  private readonly unknownReported = new Set<string>();
  /** Closed shards with nothing stored that a child's (or later descendant's) stored position shows done. */
  private readonly doneByDescendants = new Set<string>();
  private listings = 0;
  /** How many listings have started; the last successful one's ordinal; changes of the shard set. */
  private startedCount = 0;
  private listed = 0;
  private changeCount = 0;

  /** The ListShards calls: stop() aborts the one under way. */
  private readonly calls: ShardListingCalls;

  constructor(
    client: KinesisClient,
    private readonly options: ResolvedConsumerOptions,
    private readonly onEvent: (event: ConsumerEvent) => void,
    private readonly delay: (ms: number) => Promise<void>,
  ) {
    this.calls = new ShardListingCalls(client, options);
  }

  /** Ends the listing under way, if any (the consumer stops): resolves once its call ended. */
  stop(): Promise<void> {
    return this.calls.stop();
  }

  /** See ShardListing.sameStream (the stream's creation time is read before the first listing). */
  sameStream(): Promise<RxjsKinesisError | undefined> {
    return this.calls.sameStream();
  }

  /** The stream's creation time, read by enhanced fan-out's start: the first listing asks no more. */
  streamCreated(createdAt: Date | undefined): void {
    this.calls.learned(createdAt);
  }

  get shardIds(): string[] {
    return [...this.known.keys()];
  }

  get listing(): boolean {
    return this.listings > 0;
  }

  /** How many listings have started so far. */
  get startedListings(): number {
    return this.startedCount;
  }

  /** The ordinal of the last successful listing (how many had started when it started). */
  get listedOrdinal(): number {
    return this.listed;
  }

  /** How many times a listing changed the set of shards. */
  get changes(): number {
    return this.changeCount;
  }

  has(shardId: string): boolean {
    return this.known.has(shardId);
  }

  /** Whether the last listing showed the shard open (no ending sequence number). */
  isOpen(shardId: string): boolean {
    const shard = this.known.get(shardId);
    return shard !== undefined && shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
  }

  /**
   * Lists the shards again. Retriable failures are retried with back-off; when out of retries
   * (or not retriable) the error is returned (the first listing's error fails the consumer).
   */
  async refresh(running: () => boolean): Promise<RxjsKinesisError | undefined> {
    const { options } = this;
    const backoff = new Backoff({
      baseMs: options.expoBackoff,
      capMs: options.expoBackoffLimit,
      retryLimit: options.retryLimit,
      random: options.random,
    });
    this.listings += 1;
    try {
      for (;;) {
        try {
          const ordinal = (this.startedCount += 1);
          const shards = await this.calls.list();
          if (!running()) return undefined;
          this.listed = ordinal;
          const changed =
            shards.length !== this.known.size || shards.some((s) => !this.known.has(s.ShardId ?? ''));
          this.known = new Map(
            shards.filter((s) => s.ShardId !== undefined).map((s) => [s.ShardId as string, s]),
          );
          this.forgetUnlisted();
          if (changed) {
            this.changeCount += 1;
            this.onEvent({ type: 'shards-discovered', shardIds: this.shardIds });
          }
          return undefined;
        } catch (caught) {
          if (!running()) return undefined;
          const error = classifyError(caught, { streamName: options.address.streamName });
          const delayMs = error.retriable ? backoff.next() : undefined;
          if (delayMs === undefined) return error;
          this.onEvent({
            type: 'error-retried',
            operation: 'ListShards',
            error,
            attempt: backoff.attempts,
            delayMs,
          });
          await this.delay(delayMs);
          if (!running()) return undefined;
        }
      }
    } finally {
      this.listings -= 1;
    }
  }

  /**
   * Forgets what is kept of shards the listing no longer shows (trimmed after a resharding); a
   * start at the configured AT_TIMESTAMP only once no listed shard names the shard as a parent
   * (it starts such a child at that time: see startOf).
   */
  private forgetUnlisted(): void {
    for (const kept of [this.ended, this.started, this.doneByDescendants])
      for (const shardId of kept) if (!this.known.has(shardId)) kept.delete(shardId);
    const parents = new Set<string | undefined>();
    for (const shard of this.known.values())
      parents.add(shard.ParentShardId).add(shard.AdjacentParentShardId);
    for (const shardId of this.fromTimestamp)
      if (!this.known.has(shardId) && !parents.has(shardId)) this.fromTimestamp.delete(shardId);
  }

  /**
   * Whether `shardIds` (of leases in the group's table) name a shard neither known nor reported
   * by an earlier call: one to list the shards again for (another worker followed a resharding).
   * A shard a listing since did not show is gone from the stream (trimmed after a resharding, its
   * lease left behind): it is not reported again, and the periodic listing covers the rest. Only
   * the reported shards still among `shardIds` are remembered (see keepReported).
   */
  newlyUnknown(shardIds: readonly string[]): boolean {
    this.keepReported(shardIds);
    let found = false;
    for (const shardId of shardIds) {
      if (this.known.has(shardId) || this.unknownReported.has(shardId)) continue;
      this.unknownReported.add(shardId);
      found = true;
    }
    return found;
  }

  /**
   * Keeps of the reported unknown shards only those among `shardIds` (the unknown shards of the
   * latest lease snapshot), so the set holds no more than the group's store has left over (a
   * lease whose state was forgotten leaves it; one that came back is reported once more).
   */
  private keepReported(shardIds: readonly string[]): void {
    if (this.unknownReported.size === 0) return;
    const current = new Set(shardIds);
    for (const shardId of this.unknownReported)
      if (!current.has(shardId)) this.unknownReported.delete(shardId);
  }

  /** The known parents of a shard. */
  parentsOf(shardId: string): string[] {
    const shard = this.known.get(shardId);
    if (shard === undefined) return [];
    return [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && this.known.has(id),
    );
  }

  /**
   * What ListShards said of a shard's lineage, for checkpointers that store it: its parents (known
   * or not: the KCL records them even once they left the stream) and its hash key range.
   */
  lineageOf(shardId: string): ShardLineage | undefined {
    const shard = this.known.get(shardId);
    if (shard === undefined) return undefined;
    const parentShardIds = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => id !== undefined && id !== '',
    );
    const start = shard.HashKeyRange?.StartingHashKey;
    const end = shard.HashKeyRange?.EndingHashKey;
    return {
      parentShardIds,
      ...(start !== undefined && end !== undefined
        ? { hashKeyRange: { startingHashKey: start, endingHashKey: end } }
        : {}),
    };
  }

  /** Known children of a shard, plus those its last GetRecords named. */
  childrenOf(shardId: string, named: readonly string[] = []): string[] {
    const children = new Set(named);
    for (const shard of this.known.values())
      if (shard.ParentShardId === shardId || shard.AdjacentParentShardId === shardId)
        children.add(shard.ShardId as string);
    return [...children];
  }

  /** True when a shard named as a child is not known yet, or an ended shard has no known child: list again. */
  isStale(endedShardId: string, namedChildren: readonly string[]): boolean {
    if (namedChildren.some((id) => !this.known.has(id))) return true;
    return this.childrenOf(endedShardId).length === 0 && namedChildren.length === 0;
  }

  markEnded(shardId: string): void {
    this.ended.add(shardId);
  }

  isEnded(shardId: string): boolean {
    return this.ended.has(shardId);
  }

  markStarted(shardId: string, start?: ShardStartPosition): void {
    this.started.add(shardId);
    if (start?.iteratorType === 'AT_TIMESTAMP') this.fromTimestamp.add(shardId);
  }

  /**
   * Shards that may be read now: known, not ended, every known parent ended. `stored` says what
   * the group stored for a shard (it may be asked for parents and children alike). A closed
   * shard that a LATEST consumer never read and the group stored nothing for is skipped (as the
   * KCL does): its children start at the configured LATEST. Of `taken` (shards read here) and
   * their children nothing is asked: they are not open to be taken.
   */
  async openShards(
    stored: (shardId: string) => Promise<StoredShard>,
    taken: ReadonlySet<string> = new Set(),
  ): Promise<string[]> {
    const open: string[] = [];
    for (const shardId of this.shardIds) {
      if (this.ended.has(shardId) || taken.has(shardId)) continue;
      if (this.parentsOf(shardId).some((parent) => taken.has(parent))) continue;
      const own = await stored(shardId);
      if (own.checkpoint?.kind === 'shard-end' || (await this.skippable(shardId, own, stored))) {
        this.ended.add(shardId);
        continue;
      }
      let ready = true;
      for (const parent of this.parentsOf(shardId)) {
        if (this.ended.has(parent)) continue;
        const state = await stored(parent);
        if (state.checkpoint?.kind === 'shard-end' || (await this.skippable(parent, state, stored)))
          this.ended.add(parent);
        else ready = false;
      }
      if (ready) open.push(shardId);
    }
    return open;
  }

  /**
   * Where a shard starts, given what the group stored for it and for its parents: every parent
   * ListShards names, listed or not. A parent trimmed since (no longer listed) keeps its stored
   * SHARD_END or position until each listed child has a position of its own (GoneShardCleanup):
   * until then it starts the child at TRIM_HORIZON, as the lease the KCL writes for a child at
   * its parent's end does.
   */
  async startOf(
    shardId: string,
    stored: (shardId: string) => Promise<StoredShard>,
  ): Promise<ShardStartPosition> {
    const own = await stored(shardId);
    let parentStored = false;
    let parentsFromTimestamp = true;
    for (const parent of this.lineageOf(shardId)?.parentShardIds ?? []) {
      if ((await stored(parent)).checkpoint !== undefined || this.doneByDescendants.has(parent)) {
        parentStored = true;
        if (!this.fromTimestamp.has(parent)) parentsFromTimestamp = false;
      }
    }
    return startPosition(this.options, shardId, own.checkpoint, parentStored, parentsFromTimestamp);
  }

  /**
   * A closed shard with nothing stored, no live lease and not started here is not to be read:
   * with LATEST (as the KCL skips it), and whatever the start when a descendant has a stored
   * position or SHARD_END. A child starts only once its parents ended, so such a parent was read
   * to its end; its own entry is gone (the KCL deletes a finished parent's lease once every
   * child is past TRIM_HORIZON, while ListShards lists the shard until the retention trims it).
   */
  private async skippable(
    shardId: string,
    state: StoredShard,
    stored: (shardId: string) => Promise<StoredShard>,
  ): Promise<boolean> {
    const closed = this.known.get(shardId)?.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    if (!closed || state.checkpoint !== undefined || state.leased === true || this.started.has(shardId))
      return false;
    if (await this.descendantHas(shardId, async (id) => (await stored(id)).checkpoint !== undefined)) {
      this.doneByDescendants.add(shardId);
      return true;
    }
    // A descendant named in a `sequenceNumber` map: where a reader of one's own had got to.
    const named = this.options.sequenceNumber;
    if (
      typeof named === 'object' &&
      (await this.descendantHas(shardId, async (id) => Object.hasOwn(named, id)))
    )
      return true;
    return this.options.iteratorType === 'LATEST';
  }

  /** Whether a known child of `shardId`, or a descendant of one, is one `test` holds for. */
  private async descendantHas(
    shardId: string,
    test: (shardId: string) => Promise<boolean>,
    seen = new Set([shardId]),
  ): Promise<boolean> {
    for (const child of this.childrenOf(shardId)) {
      if (seen.has(child) || !this.known.has(child)) continue;
      seen.add(child);
      if ((await test(child)) || (await this.descendantHas(child, test, seen))) return true;
    }
    return false;
  }
}
