import { FifoQueue } from './FifoQueue.js';
import type { FlushGroup, PreparedItem, QueuedItem } from './OutgoingRecord.js';
import type { ProducerEngineHooks } from './ProducerEngineHooks.js';
import type { ProducerMetrics } from './ProducerMetrics.js';
import type { RecordItems } from './RecordItems.js';
import {
  DEFAULT_MAX_QUEUE_BYTES_PER_SHARD,
  DEFAULT_MIN_QUEUE_ITEMS,
  type ResolvedProducerOptions,
} from './ProducerOptions.js';

function countOutGroup(group: FlushGroup, items: number): void {
  group.unsettled -= items;
}

interface FlushWaiter {
  /** The items accepted since the flush before it. */
  readonly group: FlushGroup;
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
  /** Of the items and bytes above, those being reported (see beginSettling). */
  private settlingItems = 0;
  private settlingBytes = 0;
  private flushUpTo = 0;
  /**
   * Flush waiters in the order they came (each waits for its group and every earlier one: only
   * the front one can be done). Each settled item counts down its own group, so settling costs
   * O(1) per item and per waiter, however many flushes wait.
   */
  private readonly waiters = new FifoQueue<FlushWaiter>();
  /** The items accepted since the last flush. */
  private openGroup: FlushGroup = { unsettled: 0 };
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

  /**
   * True when no item fits, whatever its size: every item slot is taken, or the bytes are (an item
   * is at least one byte: its partition key).
   */
  get full(): boolean {
    return (
      this.queueItems >= this.maxQueueItems || (this.queueItems > 0 && this.queueBytes >= this.maxQueueBytes)
    );
  }

  /** True if an item of `size` bytes fits in the queue now. */
  hasRoomFor(size: number): boolean {
    if (this.queueItems >= this.maxQueueItems) return false;
    return this.queueItems === 0 || this.queueBytes + size <= this.maxQueueBytes;
  }

  /** Counts a prepared item in and gives it its acceptance order. */
  admit(prepared: PreparedItem<T>): QueuedItem<T> {
    this.seq += 1;
    const queued: QueuedItem<T> = prepared;
    queued.seq = this.seq;
    queued.flushGroup = this.openGroup;
    this.openGroup.unsettled += 1;
    this.queueItems += 1;
    this.queueBytes += prepared.size;
    this.showInMetrics();
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
    this.waiters.push({ group: this.openGroup, done });
    this.openGroup = { unsettled: 0 };
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
    item.flushGroup!.unsettled -= 1;
  }

  /** Counts out every item of a record, as countOut() does item by item (settled() must follow). */
  countOutRecord(items: RecordItems<T>): void {
    this.queueItems -= items.length;
    this.queueBytes -= items.bytes;
    items.forEachGroup(countOutGroup);
  }

  /**
   * `items` items of `bytes` bytes, counted delivered or failed, are about to be reported, then
   * counted out: the queue holds them until then (a flush covering them ends after their
   * reports), the metrics' queue no longer (a snapshot taken while they are reported, by a
   * report's subscriber that stops the engine, counts each once). endSettling() follows.
   */
  beginSettling(items: number, bytes: number): void {
    this.settlingItems += items;
    this.settlingBytes += bytes;
    this.showInMetrics();
  }

  /** The items of beginSettling() were counted out (settled() follows). */
  endSettling(items: number, bytes: number): void {
    this.settlingItems -= items;
    this.settlingBytes -= bytes;
  }

  private showInMetrics(): void {
    this.counters.setQueue(this.queueItems - this.settlingItems, this.queueBytes - this.settlingBytes);
  }

  /** Tells the owner and the flush waiters about the items counted out since the last call. */
  settled(): void {
    this.showInMetrics();
    let done: FlushWaiter[] | undefined;
    const { waiters } = this;
    for (
      let front = waiters.peek();
      front !== undefined && front.group.unsettled <= 0;
      front = waiters.peek()
    ) {
      waiters.shift();
      (done ??= []).push(front);
    }
    this.hooks.spaceAvailable?.();
    if (done !== undefined) for (const waiter of done) waiter.done();
  }

  /**
   * With the default maxQueueSize: 20,000 items per open shard (room for two seconds of a shard's
   * writes of ~100-byte items on every shard), at least DEFAULT_MIN_QUEUE_ITEMS. With the default
   * maxQueueBytes: 2 MiB per open shard (two seconds' worth), at least the 64 MiB default.
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
