import { BehaviorSubject, Observable, type SchedulerLike, type Subscription } from 'rxjs';

/** Counters of one shard (or of the whole producer in `totals`). */
export interface ShardMetrics {
  /** Items delivered (with afterFlush, once it is done: when their reports come). */
  items: number;
  /** Kinesis records delivered (fewer than items when the processor aggregates). */
  records: number;
  /** Bytes delivered (data + partition keys, as Kinesis counts them). */
  bytes: number;
  /**
   * PutRecords calls that carried records of this shard (each part of a call sent again in halves
   * counts); in `totals`, PutRecords calls in all
   * (a call counts once there, however many shards it touched, so `totals.putRecordsCalls` can
   * be less than the sum over shards).
   */
  putRecordsCalls: number;
  /** Entries Kinesis answered with ProvisionedThroughputExceededException. */
  throttled: number;
  /**
   * Records sent again (after a failed entry or a failed request, or in a part of a call Kinesis
   * refused whole as invalid).
   */
  retries: number;
  /**
   * Items sent again as records of their own because the KPL record holding them was stored in
   * another shard than predicted (a resharding; see the README's "KPL records across a
   * resharding"), counted once each, at its first own send (a later attempt of it counts
   * under `retries`).
   */
  resent: number;
  /**
   * Items that ended failed (bad input, non-retriable error or retry limit), and items toKinesis()
   * refused with `overflow: 'error'` for a full queue (under `unassigned`).
   */
  failures: number;
}

export interface ProducerMetricsSnapshot {
  readonly totals: Readonly<ShardMetrics>;
  /** Per predicted shard id; `unassigned` holds what failed before a shard was known. */
  readonly shards: Readonly<Record<string, Readonly<ShardMetrics>>>;
  /** Items and bytes accepted and not yet delivered or failed. */
  readonly queue: { readonly items: number; readonly bytes: number };
  /** Shard map loads: the first one, after a resharding was detected, and periodic ones. */
  readonly shardMapRefreshes: number;
  /** @deprecated The same number as `totals.putRecordsCalls` (PutRecords calls in all); read that instead. */
  readonly putRecordsCalls: number;
}

function emptyShardMetrics(): ShardMetrics {
  return {
    items: 0,
    records: 0,
    bytes: 0,
    putRecordsCalls: 0,
    throttled: 0,
    retries: 0,
    resent: 0,
    failures: 0,
  };
}

/** Counters summed over shards into `totals` (putRecordsCalls is counted per call, see countPutRecordsCall). */
type Counter = Exclude<keyof ShardMetrics, 'putRecordsCalls'>;

/** Mutable counters of a producer engine, readable as snapshots and as an observable. */
export class ProducerMetrics {
  private readonly totals = emptyShardMetrics();
  private readonly shards = new Map<string, ShardMetrics>();
  /** The number of shard listings started when each of `shards` was first counted (see forget). */
  private readonly born = new Map<string, number>();
  private shardMapRefreshes = 0;
  private queueItems = 0;
  private queueBytes = 0;
  private readonly subject = new BehaviorSubject<ProducerMetricsSnapshot>(this.snapshot());

  private completed = false;

  /**
   * The current snapshot first, then a new one after every PutRecords answer, and after items
   * failed that never reached a PutRecords call (the stream not found, its first shard map, their
   * record the aggregator could not close, bad input, no room in the queue). Once complete, a
   * new subscriber gets the last snapshot, then complete (the final figures after close()).
   */
  readonly snapshots$: Observable<ProducerMetricsSnapshot> = new Observable((subscriber) => {
    if (!this.completed) return this.subject.subscribe(subscriber);
    subscriber.next(this.subject.getValue());
    subscriber.complete();
    return undefined;
  });

  /** The publish publishSoon() put off, if any. */
  private later: Subscription | undefined;

  /** @param listingsStarted How many shard listings were started so far (see ShardPredictor). */
  constructor(private readonly listingsStarted: () => number = () => 0) {}

  add(shardId: string, counter: Counter, amount = 1): void {
    this.shard(shardId)[counter] += amount;
    this.totals[counter] += amount;
  }

  /**
   * Counts an item failed before it was accepted (bad input, no room in the queue) under `laneId`
   * (`unassigned`), and publishes it soon (see publishSoon): no PutRecords answer may follow.
   */
  countUnaccepted(laneId: string, scheduler: SchedulerLike): void {
    this.add(laneId, 'failures');
    this.publishSoon(scheduler);
  }

  /** Counts one delivered record of `items` items and `bytes` bytes (one shard lookup). */
  addDelivered(shardId: string, items: number, bytes: number): void {
    const shard = this.shard(shardId);
    const { totals } = this;
    shard.records += 1;
    shard.items += items;
    shard.bytes += bytes;
    totals.records += 1;
    totals.items += items;
    totals.bytes += bytes;
  }

  private shard(shardId: string): ShardMetrics {
    let shard = this.shards.get(shardId);
    if (shard === undefined) {
      shard = emptyShardMetrics();
      this.shards.set(shardId, shard);
      this.born.set(shardId, this.listingsStarted());
    }
    return shard;
  }

  /**
   * Drops the counters of the shards `gone` says are gone (`totals` keep what they counted), but
   * not of those first counted once listing number `listing` (the one that says so) had started:
   * a listing taken before a shard's first records were counted cannot show it.
   */
  forget(gone: (shardId: string) => boolean, listing: number): void {
    for (const shardId of this.shards.keys()) {
      if (!gone(shardId) || (this.born.get(shardId) ?? 0) >= listing) continue;
      this.shards.delete(shardId);
      this.born.delete(shardId);
    }
  }

  /** One PutRecords call carrying records of `shardIds`: once in totals, once in each shard. */
  countPutRecordsCall(shardIds: Iterable<string>): void {
    this.totals.putRecordsCalls += 1;
    for (const shardId of shardIds) this.shard(shardId).putRecordsCalls += 1;
  }

  /** A PutRecords call that sends records again (a lane id per record): a call, and a retry each. */
  countResend(laneIds: readonly string[]): void {
    this.countPutRecordsCall(new Set(laneIds));
    for (const laneId of laneIds) this.add(laneId, 'retries');
  }

  countShardMapRefresh(): void {
    this.shardMapRefreshes += 1;
  }

  setQueue(items: number, bytes: number): void {
    this.queueItems = items;
    this.queueBytes = bytes;
  }

  snapshot(): ProducerMetricsSnapshot {
    const shards: Record<string, ShardMetrics> = {};
    for (const [shardId, counters] of this.shards) shards[shardId] = { ...counters };
    return {
      totals: { ...this.totals },
      shards,
      queue: { items: this.queueItems, bytes: this.queueBytes },
      shardMapRefreshes: this.shardMapRefreshes,
      putRecordsCalls: this.totals.putRecordsCalls,
    };
  }

  /** Emits a fresh snapshot to `snapshots$` subscribers. */
  publish(): void {
    this.subject.next(this.snapshot());
  }

  /** Emits a fresh snapshot if a count changed since the last one emitted (one is emitted at start). */
  publishIfChanged(): void {
    const last = this.subject.getValue();
    const { totals } = this;
    const changed =
      last.queue.items !== this.queueItems ||
      last.queue.bytes !== this.queueBytes ||
      last.shardMapRefreshes !== this.shardMapRefreshes ||
      (Object.keys(totals) as (keyof ShardMetrics)[]).some(
        (counter) => last.totals[counter] !== totals[counter],
      );
    if (changed) this.publish();
  }

  /**
   * publishIfChanged() now, and again in a task of `scheduler` (delay 0); calls made before that
   * task runs (a flood of items failed one by one) wait for it instead of publishing each.
   */
  publishSoon(scheduler: SchedulerLike): void {
    if (this.later !== undefined) return;
    this.publishIfChanged();
    this.later = scheduler.schedule(() => {
      this.later = undefined;
      this.publishIfChanged();
    });
  }

  complete(): void {
    this.later?.unsubscribe();
    this.later = undefined;
    this.completed = true;
    this.subject.complete();
  }
}
