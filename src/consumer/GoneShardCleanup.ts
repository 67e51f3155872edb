import type { Checkpointer, LeaseInfo } from '../checkpointers/Checkpointer.js';
import type { Logger } from '../logging/Logger.js';
import { writeLog } from '../logging/writeLog.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';

/** What the cleanup needs of the shard listing (the ShardDirectory). */
export interface ShardListing {
  /** How many listings had started when the last successful one started (its ordinal). */
  readonly listedOrdinal: number;
  /** How many listings have started so far. */
  readonly startedListings: number;
  /** How many times a listing changed the set of shards. */
  readonly changes: number;
  has(shardId: string): boolean;
  childrenOf(shardId: string): string[];
}

export interface GoneShardCleanupOptions {
  readonly checkpointer: Checkpointer;
  readonly streamName: string;
  readonly now: () => number;
  /** Least time between two reads while gone shards stay stored (held, or a child without position). */
  readonly retryMs: number;
  readonly running: () => boolean;
  readonly logger?: Logger | undefined;
}

/** A failed pass waits retryMs, doubled for each failure in a row up to this many times. */
const MAX_DOUBLINGS = 6;

/** Shards per forgetShards call (a DynamoDB checkpointer makes two requests per shard). */
const FORGET_BATCH = 25;

/** The group's stored state as one read saw it. */
interface StoredRead {
  readonly leases: readonly LeaseInfo[];
  /** How many listings had started when the read ended: any later one started after it. */
  readonly afterListings: number;
  /** When it ended (the consumer's clock). */
  readonly at: number;
}

/**
 * Removes from the checkpointer (its optional `forgetShards`) the state of shards the stream no
 * longer lists: trimmed past the retention after a resharding, they can never be read again,
 * and their state would otherwise pile up with every resharding cycle. At a bounded rate: the
 * stored state is read once per change of the listing (and again, at most every `retryMs`,
 * while gone shards stay stored), and judged by the first listing that started after that read
 * ended, so a shard created after a listing started is never taken for a gone one. A gone
 * shard is forgotten only once every child the listing shows has a position of its own: while
 * a child has none, the parent's SHARD_END (or position) is what starts it at TRIM_HORIZON for
 * a worker whose listing still shows the parent. Whether to remove is the checkpointer's last
 * word: it keeps a shard whose lease someone holds, atomically. A gone shard not read to its end
 * (its records trimmed before they were read) is forgotten too, as the KCL deletes such leases:
 * no record of it can be read any more. Failures are logged and retried later, never raised.
 */
export class GoneShardCleanup {
  private read: StoredRead | undefined;
  /** The listing's `changes` when the state was last read (-1: never). */
  private readChanges = -1;
  /** When to read again though the listing did not change: gone shards stayed stored (the read they stayed in + retryMs). */
  private retryAt: number | undefined;
  /** Failed passes in a row (none since a checkpointer call of the cleanup succeeded). */
  private failures = 0;
  /** The step under way (read: listLeases; forget: forgetShards), and the one that last failed. */
  private step: 'read' | 'forget' = 'read';
  private failedStep: 'read' | 'forget' = 'read';
  /** The pass under way (its checkpointer calls), if any. */
  private passing: Promise<void> | undefined;

  constructor(private readonly options: GoneShardCleanupOptions) {}

  /** After a successful listing: forgets what it may, then reads the stored state when due. */
  afterListing(listing: ShardListing): void {
    if (this.passing !== undefined || this.options.checkpointer.forgetShards === undefined) return;
    this.passing = this.pass(listing)
      .catch((error: unknown) => {
        this.read = undefined;
        this.readChanges = listing.changes;
        this.failures += 1;
        this.failedStep = this.step;
        const { logger, streamName, running, retryMs } = this.options;
        this.retryAt = this.options.now() + retryMs * 2 ** Math.min(this.failures - 1, MAX_DOUBLINGS);
        // A lasting failure (say, no permission to delete) is warned of once, then retried ever
        // more rarely; once the consumer stops, its caller may close the checkpointer: no warning.
        const level = running() && this.failures === 1 ? 'warn' : 'debug';
        writeLog(logger, level, 'could not forget the state of trimmed shards', {
          streamName,
          failures: this.failures,
          error,
        });
      })
      .finally(() => (this.passing = undefined));
  }

  /**
   * Resolves once the pass under way (if any) ended: the consumer's stop waits for it, so no call
   * of the cleanup reaches the checkpointer after the consumer stopped. No pass starts a new
   * call once `running` is false.
   */
  async stop(): Promise<void> {
    await this.passing;
  }

  private async pass(listing: ShardListing): Promise<void> {
    const { checkpointer, streamName, now, running } = this.options;
    const read = this.read;
    if (read !== undefined && listing.listedOrdinal > read.afterListings) {
      this.read = undefined;
      const positioned = new Set(
        read.leases.filter((lease) => lease.checkpoint !== undefined).map((lease) => lease.shardId),
      );
      const gone = read.leases.map((lease) => lease.shardId).filter((shardId) => !listing.has(shardId));
      const ready = gone.filter((shardId) =>
        listing.childrenOf(shardId).every((child) => !listing.has(child) || positioned.has(child)),
      );
      this.step = 'forget';
      const forgotten = ready.length === 0 || !running() ? [] : await this.forget(ready);
      if (ready.length > 0) this.succeeded('forget');
      if (forgotten.length > 0)
        writeLog(this.options.logger, 'debug', 'state of trimmed shards forgotten', {
          streamName,
          shardIds: forgotten,
        });
      this.retryAt = forgotten.length < gone.length ? read.at + this.options.retryMs : undefined;
    }
    const retry = this.retryAt !== undefined && now() >= this.retryAt;
    if (this.read !== undefined || !running() || (listing.changes === this.readChanges && !retry)) return;
    const changes = listing.changes;
    this.step = 'read';
    const leases = await checkpointer.listLeases(streamName);
    this.succeeded('read');
    this.read = { leases, afterListings: listing.startedListings, at: now() };
    this.readChanges = changes;
    this.retryAt = undefined;
  }

  /**
   * Ends the failure streak when `step` (the one that failed, or any for a forget) succeeded: a
   * read that works again does not end a streak of failed deletes.
   */
  private succeeded(step: 'read' | 'forget'): void {
    if (step === 'forget' || this.failedStep === 'read') this.failures = 0;
  }

  /** A few shards per call, none once stopped: a stop waits for one call at most. */
  private async forget(shardIds: string[]): Promise<string[]> {
    const { checkpointer, streamName, running } = this.options;
    const forgotten: string[] = [];
    for (let start = 0; start < shardIds.length && running(); start += FORGET_BATCH) {
      const batch = shardIds.slice(start, start + FORGET_BATCH);
      forgotten.push(...((await checkpointer.forgetShards?.(streamName, batch)) ?? []));
    }
    return forgotten;
  }
}

/** The consumer's cleanup of gone shards' state, through `checkpointer` (the fenced one). */
export function goneShardCleanup(
  checkpointer: Checkpointer,
  options: Pick<ResolvedConsumerOptions, 'address' | 'scheduler' | 'logger' | 'shardRefreshInterval'>,
  running: () => boolean,
): GoneShardCleanup {
  return new GoneShardCleanup({
    checkpointer,
    streamName: options.address.streamName,
    now: () => options.scheduler.now(),
    retryMs: Math.max(checkpointer.leaseDurationMs, options.shardRefreshInterval),
    running,
    logger: options.logger,
  });
}
