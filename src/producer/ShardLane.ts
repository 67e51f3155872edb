import { FifoQueue } from './FifoQueue.js';
import type { LaneAccumulator } from './LaneAccumulator.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { RecordItems } from './RecordItems.js';
import { PaceBucket } from './PaceBucket.js';
import { PackedItems } from './RecordItems.js';
import { TokenBucket } from './TokenBucket.js';

/** A record taken out of a lane (ShardLane.takeAll): its items, and whether it may be stored. */
export interface TakenRecord<T> {
  readonly items: RecordItems<T>;
  /** An earlier attempt ended without a definite answer: Kinesis may have stored it. */
  readonly possibleDuplicate: boolean;
}

/**
 * Everything the producer keeps for one predicted shard: the open record being aggregated, the
 * records to send again (in front, each after its back-off), the closed records waiting to be
 * sent (the first `released` of them may go now), calls in flight and the shard's records/s and
 * bytes/s budgets.
 */
export class ShardLane<T> {
  /** The items of the open record. */
  openItems = new PackedItems<T>(0);
  /** Records to send again, in the order they go (before any record of `queue`). */
  retries: OutgoingRecord<T>[] = [];
  /** Closed records in the order they were closed. */
  readonly queue = new FifoQueue<OutgoingRecord<T>>();
  /** How many records at the head of `queue` may be sent now. */
  released = 0;
  /** Bytes of the records in `queue` past `released`. */
  unreleasedBytes = 0;
  /** PutRecords calls in flight holding records of this lane. */
  inFlight = 0;
  readonly recordBudget: TokenBucket;
  readonly byteBudget: TokenBucket;
  /** How evenly the bytes go, for aggregated records (see the constructor). */
  private readonly pace: PaceBucket | undefined;

  /**
   * @param paceBurst Aggregated records: the most bytes that go at once, the rest following at
   *   the byte rate, so that the (nearly half-budget) records of a busy lane go about half a
   *   second apart, never two at once. Kinesis meters a shard continuously: records that come
   *   evenly leave it room to spare for one that arrives early, where a burst that takes the
   *   whole second's budget at once leaves none.
   */
  constructor(
    readonly shardId: string,
    /** Replaced when it throws while closing its record (see RecordBatcher.takeBroken). */
    public accumulator: LaneAccumulator<T>,
    recordsPerSecond: number,
    bytesPerSecond: number,
    paceBurst?: number,
  ) {
    this.recordBudget = new TokenBucket(recordsPerSecond);
    this.byteBudget = new TokenBucket(bytesPerSecond);
    this.pace = paceBurst === undefined ? undefined : new PaceBucket(bytesPerSecond, paceBurst);
  }

  /** Records not yet released: closed ones past `released`, plus the open one if it holds items. */
  get unreleasedRecords(): number {
    return this.queue.length - this.released + (this.accumulator.itemCount > 0 ? 1 : 0);
  }

  /** Milliseconds until the budgets (and the pace) allow a record of `bytes` (0: now). */
  budgetDelay(bytes: number, now: number): number {
    const delay = Math.max(this.recordBudget.delayFor(1, now), this.byteBudget.delayFor(bytes, now));
    return this.pace === undefined ? delay : Math.max(delay, this.pace.delayFor(bytes, now));
  }

  spend(bytes: number, now: number): void {
    this.recordBudget.take(1, now);
    this.byteBudget.take(bytes, now);
    this.pace?.take(bytes, now);
  }

  /**
   * Kinesis throttled `records` entries (`bytes` bytes) of this shard: its budget was smaller than
   * this lane counted (other writers, clock edges), so that much more of the budget is spent now.
   */
  throttled(now: number, records: number, bytes: number): void {
    this.recordBudget.take(Math.min(records, this.recordBudget.available(now)), now);
    this.byteBudget.take(Math.min(bytes, this.byteBudget.available(now)), now);
  }

  /**
   * Takes out every record the lane holds, in the order they would have gone (in back-off,
   * closed, then the open record's items), and leaves it holding none: the producer is aborted.
   * The open record's accumulator keeps its bytes; the lane is dropped with it.
   */
  takeAll(): TakenRecord<T>[] {
    const taken: TakenRecord<T>[] = this.retries;
    for (let record = this.queue.shift(); record !== undefined; record = this.queue.shift())
      taken.push(record);
    if (this.openItems.length > 0) taken.push({ items: this.openItems, possibleDuplicate: false });
    this.retries = [];
    this.released = 0;
    this.unreleasedBytes = 0;
    this.openItems = new PackedItems<T>(0);
    return taken;
  }

  get idle(): boolean {
    return (
      this.queue.length === 0 &&
      this.retries.length === 0 &&
      this.openItems.length === 0 &&
      this.inFlight === 0
    );
  }
}
