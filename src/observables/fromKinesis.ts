import { Observable, Subject } from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../checkpointers/MemoryCheckpointer.js';
import { currentCheckpointSink } from '../consumer/checkpointBinding.js';
import type { ConsumerEvent } from '../consumer/ConsumerEvent.js';
import { resolveConsumerOptions, type ConsumerOptions } from '../consumer/ConsumerOptions.js';
import type { ConsumerStats } from '../consumer/ConsumerStats.js';
import { logConsumerEvent } from '../consumer/logConsumerEvent.js';
import { CheckpointerConflictError } from '../consumer/errors/CheckpointerConflictError.js';
import { KinesisConsumer } from '../consumer/KinesisConsumer.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import { RECORD_HANDLE } from '../consumer/RecordTracking.js';
import { markPassive } from '../consumer/recordOrigin.js';
import type { ShardReader } from '../consumer/ShardReader.js';
import type { ShardSubscriber } from '../consumer/ShardSubscriber.js';

/** The hot Observable fromKinesis() returns, with the consumer's events and stats. */
export interface KinesisConsumerObservable extends Observable<KinesisRecord> {
  /** Lifecycle notifications of every run of this consumer (hot: subscribe before you need them). */
  readonly events$: Observable<ConsumerEvent>;
  /**
   * A passive view of the records (for taps: metrics, logging): it never starts the consumer,
   * never holds a record (the budget and checkpoints ignore it) and sees only what is read while
   * direct subscribers keep the consumer running. Its records cannot be checkpointed.
   */
  observe(): Observable<KinesisRecord>;
  /** A snapshot of the running consumer (or of the last run). */
  stats(): ConsumerStats;
  /**
   * Resolves once the current (or last) run, and every run before it, has stopped: final
   * checkpoints written, leases released, group left, client closed (or, past
   * `finalWritesTimeoutMs`, without what was left: see the final-writes-timeout event). Called
   * while a run is still going (e.g. from a `complete` callback after take(n)), it waits for
   * that run's stop.
   */
  stopped(): Promise<void>;
}

/** Internal: lets tests drive the consumer with a fake data plane. */
export interface FromKinesisInternals {
  readonly reader?: ShardReader;
  /** SubscribeToShard calls of enhanced fan-out. */
  readonly subscriber?: ShardSubscriber;
}

/**
 * Reads a Kinesis stream as a hot Observable of KinesisRecord: per-shard readings merged into
 * one stream, shared by every subscriber, started by the first subscription and stopped (last
 * checkpoints written, leases released) when the last one leaves. A consumer with a checkpointer
 * (or ackOnEmit: false) tracks each direct subscriber: a record stays in flight until every
 * subscriber that received it settled it in its own pipeline. Options are validated at once
 * (InvalidOptionError); failures that cannot be retried error the Observable with a typed error.
 */
export function fromKinesis(
  options: ConsumerOptions,
  internals: FromKinesisInternals = {},
): KinesisConsumerObservable {
  const resolved = resolveConsumerOptions(options);
  const events = new Subject<ConsumerEvent>();
  const taps = new Subject<KinesisRecord>();
  let engine: KinesisConsumer | undefined;
  /**
   * What runs started without a checkpoint() in their subscribe chain (retry() or repeat()
   * before checkpoint() resubscribes the consumer alone) take from earlier runs: the
   * checkpointer the last checkpoint(checkpointer) lent (until another one starts a run with
   * its own), else the consumer's own MemoryCheckpointer (kept, so a later run resumes where an
   * earlier one left off); and tracking, once a checkpoint() started a run.
   */
  let lent: Checkpointer | undefined;
  let own: MemoryCheckpointer | undefined;
  let trackedBefore = false;
  /**
   * Resolves once every run started so far has stopped. A new run starts only after it, not only
   * after the run before it: a run unsubscribed while it still waited for an earlier one to stop
   * stops at once, and the run after it must still wait for that earlier one (its last
   * checkpoints, its lease releases, its leaving the group). stopped() answers with it too.
   */
  let allStopped: Promise<void> = Promise.resolve();
  /**
   * What a run hands to observe(): of a tracked run, records without a tracking handle, marked so
   * that checkpoint() names observe() when given one (an untracked run's are its subscribers' own).
   */
  const tapOf =
    (tracked: boolean) =>
    (record: KinesisRecord): void => {
      if (!taps.observed) return;
      if (!tracked) taps.next(record);
      else
        taps.next(
          markPassive(
            record[RECORD_HANDLE] === undefined ? record : { ...record, [RECORD_HANDLE]: undefined },
          ),
        );
    };

  const records = new Observable<KinesisRecord>((subscriber) => {
    const sink = currentCheckpointSink();
    let current = engine;
    const used = current?.isRunning === true ? current.checkpointer : resolved.checkpointer;
    if (used !== undefined && sink?.checkpointer !== undefined && sink.checkpointer !== used) {
      subscriber.error(new CheckpointerConflictError(used.name, sink.checkpointer.name));
      return undefined;
    }
    let ledgerId: number;
    if (current === undefined || !current.isRunning) {
      // A run still finishing its last pipeline's records gives that up: this new run waits for it.
      current?.endDeparture();
      if (sink?.checkpointer !== undefined) lent = sink.checkpointer;
      const checkpointer: Checkpointer = resolved.checkpointer ?? lent ?? (own ??= new MemoryCheckpointer());
      trackedBefore ||= sink !== undefined;
      const previous = allStopped;
      const tracked = resolved.checkpointer !== undefined || trackedBefore || !resolved.ackOnEmit;
      current = new KinesisConsumer({
        options: resolved,
        checkpointer,
        tracked,
        onEvent: (event) => {
          logConsumerEvent(resolved.logger, event);
          events.next(event);
        },
        tap: tapOf(tracked),
        ...(internals.reader === undefined ? {} : { reader: internals.reader }),
        ...(internals.subscriber === undefined ? {} : { subscriber: internals.subscriber }),
      });
      engine = current;
      allStopped = Promise.all([previous, current.stopped]).then(() => undefined);
      ledgerId = current.addSubscriber(subscriber, sink, previous);
    } else {
      ledgerId = current.addSubscriber(subscriber, sink, Promise.resolve());
    }
    const running = current;
    return () => running.removeSubscriber(subscriber, ledgerId);
  });

  return Object.assign(records, {
    events$: events.asObservable(),
    observe: (): Observable<KinesisRecord> => taps.asObservable(),
    stats: (): ConsumerStats =>
      engine?.stats() ?? {
        streamName: resolved.address.streamName,
        workerId: resolved.workerId,
        running: false,
        inFlight: 0,
        peakInFlight: 0,
        maxQueueSize: resolved.maxQueueSize,
        inFlightItems: 0,
        inFlightBytes: 0,
        shards: [],
      },
    stopped: (): Promise<void> => allStopped,
  });
}
