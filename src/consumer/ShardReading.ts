/**
 * One reading of one shard under one lease token: it owns the shard's source (poller or
 * subscription), the records in flight, the position writes, the end of the shard and the
 * handoff. The coordinator makes a new reading for every lease it acquires; a reading never
 * outlives its lease, and every async step checks that this reading is still in the state that
 * started it, so a late result (a write, a SHARD_END, a handoff) of a reading that moved on is
 * ignored.
 *
 * Its states and transitions: ReadingState (ShardReadingHost.ts). What its records' handles do:
 * ShardReadingLink; the handover's wait for the records in flight: ShardHandover.
 */
import type { ChildShard, _Record } from '@aws-sdk/client-kinesis';
import { markShardEnd, reportWriteFailure, type ShardReadingHost } from './ShardReadingHost.js';
import type { HandoffLimit } from './HandoffWait.js';
import { ShardHandover } from './ShardHandover.js';
import { ShardReadingLink } from './ShardReadingLink.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { SubscriptionTakenOverError } from './errors/SubscriptionTakenOverError.js';
import type { ReadingSource, ReadingSourceParams } from './ReadingSource.js';
import type { ShardCounters } from './ShardCounters.js';
import { readingAbortReason } from './readingAbortReason.js';
import type { RecordsPage } from './ShardReader.js';

/** Wait before a failed SHARD_END write is tried again. */
const END_RETRY_MS = 1000;
/** Waits before the last write of a handover is tried again, once each (6.2 s in all). */
const HANDOVER_WRITE_RETRIES_MS: readonly number[] = [200, 400, 800, 1600, 3200];

export class ShardReading extends ShardReadingLink {
  private readonly controller = new AbortController();
  private source: ReadingSource | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The write queued behind the one under way (it writes the latest position when it runs). */
  private queuedWrite: Promise<void> | undefined;
  private finishing: Promise<void> | undefined;
  /** The handover under way: who gets the shard, and the wait for the records in flight. */
  private handoff: ShardHandover | undefined;
  private childShards: readonly ChildShard[] = [];
  private cancelRetry: () => void = () => undefined;
  /** Ends a wait before the last write of a handover is tried again (see commitBeforeRelease). */
  private endWriteWait: () => void = () => undefined;
  /** Positions settled here may be ahead of unfinished work: nothing more is written (see distrust). */
  private distrusted = false;

  constructor(
    readonly shardId: string,
    readonly token: string,
    host: ShardReadingHost,
    readonly counters: ShardCounters,
    createSource: (
      params: Pick<ReadingSourceParams, 'onRecords' | 'onEnd' | 'onError' | 'onStalled'>,
    ) => ReadingSource,
  ) {
    super(host);
    this.source = createSource({
      onRecords: (records, page) => this.onRecords(records, page),
      onEnd: (children) => this.onEnd(children),
      onError: (error) => this.onSourceError(error),
      onStalled: (error, timeouts) => this.onStalled(error, timeouts),
    });
  }

  /** Fires when the reading ends before its records were committed (readingAbortReason: why). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True while the lease this reading was started with is still held (its deadline enforced). */
  private get owns(): boolean {
    return this.live && this.host.leases.get(this.shardId)?.token === this.token;
  }

  /** ShardHandover: handing over (the state). */
  get releasing(): boolean {
    return this.current === 'releasing';
  }

  /** ShardHandover: handing over, still under the lease this reading was started with. */
  get handingOver(): boolean {
    return this.current === 'releasing' && this.owns;
  }

  start(): void {
    this.source?.start();
  }

  /** Writes the committable position through the lease, after any write under way. Never rejects. */
  commit(): Promise<void> {
    if (!this.progress.dirty || !this.live || this.current === 'ending' || this.distrusted)
      return this.writing;
    // However many commits a slow store leaves waiting, they wait as one write.
    if (this.queuedWrite !== undefined) return this.queuedWrite;
    this.writing = this.queuedWrite = this.writing.then(async () => {
      this.queuedWrite = undefined;
      const position = this.progress.committable;
      const lease = this.host.leases.get(this.shardId);
      if (position === undefined || !this.progress.dirty || !this.owns || lease === undefined) return;
      if (this.distrusted) return;
      try {
        const stored = await this.host.checkpointer.checkpoint(lease, position);
        this.host.checkpointerOk?.();
        if (!this.live) return;
        this.progress.markWritten(position);
        if (!stored)
          return this.host.onEvent({ type: 'checkpoint-refused', shardId: this.shardId, position });
        this.counters.checkpoint = position;
        this.host.onEvent({ type: 'checkpoint-written', shardId: this.shardId, position });
      } catch (error) {
        this.writeFailed('checkpoint', error);
      }
    });
    return this.writing;
  }

  /**
   * Hands the shard over (or gives it up): stops reading, waits until every record in flight
   * settled (ShardHandover: never released with records in flight), writes, and releases the
   * lease (reserved for `requester` if the store finds it live: handoff-completed says whether
   * it did). Called again while handing over, it only takes in the requester and the request's
   * limit.
   */
  handOver(requester: string | undefined, drainTimeoutMs: number, limit?: HandoffLimit): Promise<void> {
    if (this.current === 'releasing' && this.handoff !== undefined) {
      this.handoff.update(requester, limit);
      return this.finishing ?? Promise.resolve();
    }
    if (this.current !== 'reading' && this.current !== 'draining') return this.finishing ?? Promise.resolve();
    this.current = 'releasing';
    this.stopSource();
    const handoff = new ShardHandover(this, this.host, requester, drainTimeoutMs, limit);
    this.handoff = handoff;
    this.finishing = (async () => {
      if (!(await handoff.drained())) return;
      await this.commitBeforeRelease();
      if (!this.handingOver) return;
      const to = handoff.requester;
      const outcome = await this.host.leases.release(this.shardId, to, this.token);
      if (this.current !== 'releasing') return;
      if (outcome.released && to !== undefined) {
        this.host.onEvent({
          type: 'handoff-completed',
          shardId: this.shardId,
          requester: to,
          drained: true,
          reserved: outcome.reserved,
        });
      }
      this.finish('released');
    })();
    return this.finishing;
  }

  /**
   * The last write of a handover. A position it could not write (the store refused it or did not
   * answer, the lease still held) is tried again a few times before the lease goes: released
   * without it, the lease's next owner would start before the drained records and read them
   * again. If it never lands the lease is released all the same (at-least-once).
   */
  private async commitBeforeRelease(): Promise<void> {
    await this.commit();
    for (const delayMs of HANDOVER_WRITE_RETRIES_MS) {
      if (!this.handingOver || !this.progress.dirty || this.distrusted) return;
      await new Promise<void>((resolve) => {
        const cancel = this.host.timer(delayMs, resolve);
        this.endWriteWait = () => {
          cancel();
          resolve();
        };
      });
      this.endWriteWait = () => undefined;
      await this.commit();
    }
  }

  /**
   * Positions settled here may be ahead of unfinished work (a subscriber's checkpoint() raised
   * OutOfOrderCheckpointError or MulticastCheckpointError): nothing more is written (no
   * position, no SHARD_END, nothing kept for later) and the reading stops, so the shard is read
   * again from the last position written before.
   */
  distrust(): void {
    if (!this.live || this.distrusted) return;
    this.distrusted = true;
    // Stopping writes nothing now and releases the lease: the assignment starts the shard again
    // from its stored position for the subscribers that remain.
    void this.stop();
  }

  protected rewind(): void {
    // The subscriber that left is still waited for, so the stop writes no position past its
    // records; the assignment then starts the shard again from the position written.
    void this.stop();
  }

  /** The consumer is stopping: read nothing more, but keep what is in flight and the lease until stop(). */
  quiesce(): void {
    if (this.current === 'reading') this.stopSource();
  }

  /** The lease is gone (`error`: what said so): stop at once, never write again. */
  leaseLost(error?: unknown): void {
    if (!this.live) return;
    this.host.leases.drop(this.shardId, this.token);
    // A position finished but not written (e.g. the store was unreachable) is kept for the next
    // time this worker holds the shard: it writes it before reading again.
    if (!this.distrusted && this.progress.dirty && this.progress.committable !== undefined)
      this.host.onUnwritten(this.shardId, this.progress.committable);
    this.finish('lost', error);
    // Records still in the pipeline are still in memory: they keep their budget a while.
    this.settlement.hold(this.host.timer, this.host.checkpointer.leaseDurationMs);
  }

  /** The consumer stops: write what may be committed and release the lease. */
  stop(): Promise<void> {
    // A handoff still waiting for its records: the consumer stops, so they will never settle;
    // nor is its last write tried again.
    if (this.current === 'releasing') {
      this.settlement.settle(() => this.progress.clear());
      this.endWriteWait();
    }
    if (this.current === 'releasing' || this.current === 'stopping')
      return this.finishing ?? Promise.resolve();
    if (!this.live) return this.writing;
    this.current = 'stopping';
    this.stopSource();
    this.finishing = (async () => {
      await this.writing;
      if (this.current !== 'stopping') return;
      await this.commit();
      if (this.current !== 'stopping') return;
      await this.host.leases.release(this.shardId, undefined, this.token);
      this.settlement.settle(() => this.progress.clear());
      this.finish('stopped');
    })();
    return this.finishing;
  }

  /**
   * The consumer's stop ran past finalWritesTimeoutMs: ends now, whatever write or release is
   * under way (its answer is ignored: nothing more is written, nothing reported) and every timer
   * of the reading with it. Returns true if it leaves unwritten a position finished here (or the
   * end of its shard).
   */
  cutShort(): boolean {
    if (!this.live) return false;
    const unwritten =
      this.current === 'ending' ||
      (!this.distrusted && this.progress.dirty && this.progress.committable !== undefined);
    this.settlement.settle(() => this.progress.clear());
    this.finish('stopped');
    return unwritten;
  }

  // Source callbacks

  private onRecords(records: readonly _Record[], page: RecordsPage): void {
    let bytes = 0;
    for (const record of records) bytes += record.Data?.byteLength ?? 0;
    if (this.current !== 'reading' || !this.owns) {
      this.host.gate.release(records.length, records.length, bytes);
      if (this.current === 'reading') this.leaseLost();
      return;
    }
    this.counters.records += records.length;
    this.counters.bytes += bytes;
    this.counters.lastSequenceNumber = records[records.length - 1]?.SequenceNumber;
    this.host.emit(this, records, page);
  }

  private onEnd(children: readonly ChildShard[]): void {
    if (this.current !== 'reading') return;
    this.source = undefined;
    this.childShards = children;
    this.current = 'draining';
    this.maybeEnd();
  }

  /** Reads keep timing out (group consumers): give the shard up so another worker can take it. */
  private onStalled(error: RxjsKinesisError, timeouts: number): void {
    if (this.current !== 'reading') return;
    this.host.onEvent({ type: 'shard-stalled', shardId: this.shardId, timeouts, error });
    this.host.onStalled(this.shardId);
    void this.handOver(undefined, this.host.handoffDrainMs());
  }

  private onSourceError(error: RxjsKinesisError): void {
    if (this.current !== 'reading') return;
    // A lease that ran out: its next owner took the subscription over with the shard.
    if (error instanceof SubscriptionTakenOverError && this.leaseRanOut()) return;
    this.settlement.settle(() => this.progress.clear());
    this.finish('failed', error);
    this.host.onError(error);
  }

  // Internals

  /** The lease's deadline passed while timers were late (declared lost now): not a failure. */
  private leaseRanOut(): boolean {
    return !this.owns && this.current === 'lost';
  }

  protected settledWhileDraining(): void {
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.current !== 'draining' || this.progress.size > 0 || this.distrusted || this.abandoned) return;
    this.current = 'ending';
    this.writing = this.writing.then(async () => {
      const lease = this.host.leases.get(this.shardId);
      if (this.current !== 'ending' || lease === undefined || lease.token !== this.token) return;
      try {
        await markShardEnd(this.host, this.shardId, lease, this.childShards);
      } catch (error) {
        if (this.current !== 'ending') return;
        this.current = 'draining';
        this.writeFailed('markShardEnd', error);
        if (this.current === 'draining')
          this.cancelRetry = this.host.timer(END_RETRY_MS, () => this.maybeEnd());
        return;
      }
      this.host.checkpointerOk?.();
      if (this.current !== 'ending') return;
      this.counters.checkpoint = 'SHARD_END';
      this.host.onEvent({ type: 'checkpoint-written', shardId: this.shardId, position: 'SHARD_END' });
      await this.host.leases.release(this.shardId, undefined, this.token);
      this.finish('ended');
    });
  }

  private writeFailed(operation: string, error: unknown): void {
    if (reportWriteFailure(this.host, this.shardId, this.token, operation, error)) this.leaseLost(error);
  }

  private stopSource(): void {
    this.source?.stop();
    this.source = undefined;
    this.cancelRetry();
  }

  private finish(state: 'ended' | 'released' | 'lost' | 'stopped' | 'failed', error?: unknown): void {
    this.current = state;
    this.stopSource();
    // A handover's wait to write again (lease lost meanwhile): no timer outlives the reading.
    this.endWriteWait();
    if (state !== 'ended') this.controller.abort(readingAbortReason(state, error, this.host, this.shardId));
    this.settlement.wakeAll();
    this.host.onFinished(this, this.childShards);
  }
}
