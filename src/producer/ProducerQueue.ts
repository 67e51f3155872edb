import type { PreparedItem, QueuedItem } from './OutgoingRecord.js';
import type { ProducerEngineHooks } from './ProducerEngineHooks.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import {
  DEFAULT_MAX_QUEUE_BYTES_PER_SHARD,
  DEFAULT_MIN_QUEUE_ITEMS,
  type ResolvedProducerOptions,
} from './ProducerOptions.js';

interface FlushWaiter {
  readonly upTo: number;
  remaining: number;
  readonly done: () => void;
}

/**
 * Admission and queue accounting: the items and bytes accepted and not yet settled, the item
 * bound in force, and the flush waiters released as the items they wait for settle.
 */
export class ProducerQueue<T> {
  private seq = 0;
  private queueItems = 0;
  private queueBytes = 0;
  private flushUpTo = 0;
  private waiters: FlushWaiter[] = [];
  /** The item bound in force: maxQueueSize, or with its default, 20,000 per known shard. */
  private maxQueueItems: number;
  /** The byte bound in force: maxQueueBytes, or with its default, 2 MiB per known shard (at least 64 MiB). */
  private maxQueueBytes: number;

  constructor(
    private readonly options: ResolvedProducerOptions<T>,
    private readonly counters: ProducerMetrics,
    private readonly hooks: ProducerEngineHooks<T>,
  ) {
    this.maxQueueItems = options.queueScalesWithShards
      ? Math.max(DEFAULT_MIN_QUEUE_ITEMS, options.maxQueueSize)
      : options.maxQueueSize;
    this.maxQueueBytes = options.maxQueueBytes;
  }

  /** Items accepted and not yet delivered or failed. */
  get items(): number {
    return this.queueItems;
  }

  /** Bytes (data + partition keys) accepted and not yet delivered or failed. */
  get bytes(): number {
    return this.queueBytes;
  }

  /** True if an item of `size` bytes fits in the queue now. */
  hasRoomFor(size: number): boolean {
    if (this.queueItems >= this.maxQueueItems) return false;
    return this.queueItems === 0 || this.queueBytes + size <= this.maxQueueBytes;
  }

  /** True once the queue holds as many items or bytes as it may. */
  get full(): boolean {
    return this.queueItems >= this.maxQueueItems || this.queueBytes >= this.maxQueueBytes;
  }

  /** Counts a prepared item in and gives it its acceptance order. */
  admit(prepared: PreparedItem<T>): QueuedItem<T> {
    this.seq += 1;
    const queued: QueuedItem<T> = prepared;
    queued.seq = this.seq;
    this.queueItems += 1;
    this.queueBytes += prepared.size;
    this.counters.setQueue(this.queueItems, this.queueBytes);
    return queued;
  }

  /** True if a flush asked for `item` to go without waiting for bufferTime. */
  flushRequested(item: QueuedItem<T>): boolean {
    return item.seq <= this.flushUpTo;
  }

  /**
   * Marks everything accepted so far as flushed; `done` is called once all of it is settled (at
   * once if nothing is pending). Returns false when nothing was pending.
   */
  addFlush(done: () => void): boolean {
    this.flushUpTo = this.seq;
    if (this.queueItems === 0) {
      done();
      return false;
    }
    this.waiters.push({ upTo: this.seq, remaining: this.queueItems, done });
    return true;
  }

  /** Counts delivered or failed items out, then tells the owner and the flush waiters. */
  settle(items: readonly QueuedItem<T>[]): void {
    if (items.length === 0) return;
    for (const item of items) this.countOut(item);
    this.settled();
  }

  /**
   * Counts one delivered or failed item out; settled() must follow once the items of a batch
   * are counted out (settle() in two steps, for a caller that holds no array of the items).
   */
  countOut(item: QueuedItem<T>): void {
    this.queueItems -= 1;
    this.queueBytes -= item.size;
    const { waiters } = this;
    for (let i = 0; i < waiters.length; i += 1) if (item.seq <= waiters[i]!.upTo) waiters[i]!.remaining -= 1;
  }

  /** Tells the owner and the flush waiters about the items counted out since the last call. */
  settled(): void {
    this.counters.setQueue(this.queueItems, this.queueBytes);
    let done: FlushWaiter[] | undefined;
    if (this.waiters.length > 0) {
      done = this.waiters.filter((waiter) => waiter.remaining <= 0);
      if (done.length > 0) this.waiters = this.waiters.filter((waiter) => waiter.remaining > 0);
    }
    this.hooks.spaceAvailable?.();
    if (done !== undefined) for (const waiter of done) waiter.done();
  }

  /**
   * With the default maxQueueSize: 20,000 items per open shard (room for two full 1 MiB records
   * of ~100-byte items on every shard), at least DEFAULT_MIN_QUEUE_ITEMS. With the default
   * maxQueueBytes: 2 MiB per open shard (two full records), at least the 64 MiB default.
   */
  sizeFor(shardCount: number): void {
    const { options } = this;
    if (options.queueScalesWithShards) {
      this.maxQueueItems = Math.max(DEFAULT_MIN_QUEUE_ITEMS, shardCount * options.maxQueueSize);
    }
    if (options.queueBytesScaleWithShards) {
      this.maxQueueBytes = Math.max(options.maxQueueBytes, shardCount * DEFAULT_MAX_QUEUE_BYTES_PER_SHARD);
    }
  }
}
