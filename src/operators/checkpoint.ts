import {
  from,
  ignoreElements,
  endWith,
  mergeMap,
  Observable,
  queueScheduler,
  subscribeOn,
  type MonoTypeOperatorFunction,
  type ObservableInput,
} from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import {
  isCheckpointerArgument,
  toCheckpointer,
  type CheckpointerInput,
} from '../checkpointers/toCheckpointer.js';
import { withCheckpointSink } from '../consumer/checkpointBinding.js';
import type { CheckpointSink } from '../consumer/ConsumerLink.js';
import { CheckpointerConflictError } from '../consumer/errors/CheckpointerConflictError.js';
import { MulticastCheckpointError } from '../consumer/errors/MulticastCheckpointError.js';
import { OutOfOrderCheckpointError } from '../consumer/errors/OutOfOrderCheckpointError.js';
import { NotAConsumerRecordError } from '../consumer/errors/NotAConsumerRecordError.js';
import { isBehind, passedOutOfOrder } from '../consumer/passOrder.js';
import { UntrackedRecordError } from '../consumer/errors/UntrackedRecordError.js';
import { untrackedOrigin } from '../consumer/recordOrigin.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import {
  claimRecord,
  trackedValue,
  type LedgerLink,
  type ReadingLink,
  type RecordHandle,
  type TrackedValue,
} from '../consumer/RecordTracking.js';
import {
  validateCheckpointOptions,
  type Checkpointable,
  type CheckpointOptions,
} from './checkpointOptions.js';
import { CheckpointTimer } from './CheckpointTimer.js';
import { perLedger } from './perLedger.js';
import { passesAcrossCheckpoints } from './passesAcrossCheckpoints.js';
import { splitRecordRefusal } from './checkpointSplitRecord.js';

export type { Checkpointable, CheckpointOptions } from './checkpointOptions.js';

/** What checkpoint() needs of a value: its record, position and handle; throws a typed error otherwise. */
function resolve(value: unknown, checkpointer: Checkpointer | undefined): Tracked {
  const tracked = trackedValue(value);
  if (tracked === undefined) throw new NotAConsumerRecordError(value);
  const handle = tracked.handle;
  if (handle === undefined) {
    const { record } = tracked;
    throw new UntrackedRecordError(record.streamName, record.shardId, untrackedOrigin(record));
  }
  if (checkpointer !== undefined && checkpointer !== handle.reading.checkpointer)
    throw new CheckpointerConflictError(handle.reading.checkpointer.name, checkpointer.name);
  const split = splitRecordRefusal(tracked);
  if (split !== undefined) throw split;
  return tracked as Tracked;
}

/** A value of a tracked consumer: its record, item index (see TrackedValue.sub) and handle. */
type Tracked = TrackedValue & { readonly handle: RecordHandle };

interface Pending {
  readonly tracked: Tracked;
  done: boolean;
}

/**
 * Records the positions of items (or whole records) passing through and writes them, through
 * the consumer's lease, to its checkpointer: a shard's position is written only once every
 * earlier record of that shard has passed, never ahead of unprocessed data. Writes are batched
 * by `batchSize` and `intervalMs` and flushed on completion and unsubscribe; a shard read to its
 * end gets SHARD_END once all its records have passed.
 *
 * Each record carries the handle of the reading and subscriber it was emitted to, so this works
 * however and whenever the pipeline subscribed (subscribeOn, switchMap after an init, retry,
 * one checkpoint() per groupBy group). A record of a consumer that does not track (no
 * checkpointer in fromKinesis() options) errors with UntrackedRecordError; one read through
 * another checkpointer errors with CheckpointerConflictError. `checkpoint(checkpointer)` that
 * starts a fromKinesis() given no checkpointer, in the same synchronous subscribe, lends it
 * its checkpointer (resume and leases included).
 */
export function checkpoint<T extends Checkpointable>(
  options?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T>;
export function checkpoint<T extends Checkpointable>(
  checkpointer: CheckpointerInput,
  options?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T>;
export function checkpoint<T extends Checkpointable>(
  first?: CheckpointerInput | CheckpointOptions<T>,
  second?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T> {
  const isCheckpointer = isCheckpointerArgument(first);
  const checkpointer = isCheckpointer
    ? toCheckpointer(first as CheckpointerInput, 'checkpointer')
    : undefined;
  // checkpoint(undefined, options): no checkpointer, and the options that follow it.
  const resolved = validateCheckpointOptions(
    (isCheckpointer || first === undefined ? second : (first as CheckpointOptions<T>)) ?? {},
  );

  return (source) =>
    new Observable<T>((subscriber) => {
      const touched = new Set<ReadingLink>();
      /** The reading added to `touched` last (most items in a row are of one reading). */
      let touchedLast: ReadingLink | undefined;
      const ledgers = new Set<LedgerLink>();
      /** The ledger found in (or added to) `ledgers` last. */
      let ledgerLast: LedgerLink | undefined;
      let sinceCommit = 0;
      /** The record this operator is handing on downstream right now (a checkpoint() after it sees it then). */
      let forwarding: KinesisRecord | undefined;
      let open = true;

      const commitAll = (): Promise<void> => {
        sinceCommit = 0;
        const readings = [...touched];
        touched.clear();
        touchedLast = undefined;
        return Promise.all(readings.map((reading) => reading.commit())).then(() => undefined);
      };
      const count = (reading: ReadingLink): void => {
        if (reading !== touchedLast) {
          touched.add(reading);
          touchedLast = reading;
        }
        sinceCommit += 1;
        if (sinceCommit >= resolved.batchSize) void commitAll();
      };
      const timer = new CheckpointTimer(resolved.intervalMs, resolved.scheduler, () => {
        if (sinceCommit > 0) void commitAll();
      });
      // Told by this pipeline's ledger when drops (checkpointFilter, records without items) settled records.
      const sink: CheckpointSink = {
        ...(checkpointer === undefined ? {} : { checkpointer }),
        intervalMs: resolved.intervalMs,
        settled: count,
        forwards: (record) => forwarding === record,
        isOpen: () => open,
        follows: new WeakSet(),
        attached: (ledger) => {
          ledgers.add(ledger);
          timer.met(ledger);
        },
      };
      const track = (value: unknown): Tracked => {
        const tracked = resolve(value, checkpointer);
        const { ledger } = tracked.handle;
        if (ledger !== ledgerLast) {
          if (!ledgers.has(ledger)) {
            ledgers.add(ledger);
            ledger.addSink(sink);
          }
          timer.met(ledger, tracked.record);
          ledgerLast = ledger;
        }
        // The same record in a second checkpoint() beside this one (not after it): its pipelines
        // would each commit the other's unfinished records.
        if (!claimRecord(tracked.handle, sink, tracked.record)) {
          tracked.handle.ledger.distrustAll();
          const { streamName, shardId, sequenceNumber } = tracked.record;
          throw new MulticastCheckpointError(streamName, shardId, sequenceNumber);
        }
        return tracked;
      };
      /**
       * Ordered mode: the position passed last in each reading, per subscriber (kept per ledger
       * and reading, updated in place). An item behind it arrived out of order: its arrival
       * cannot mean that it and everything before it are done, and the later one's may already
       * be committed. Records of two direct subscribers merged into this operator are settled
       * per subscriber, so one's pass says nothing about the other's records.
       */
      const lastPassed = perLedger<{ sequenceNumber: string; sub: number }>();
      const outOfOrder = ({ record, sub, handle }: Tracked): OutOfOrderCheckpointError | undefined => {
        const at = sub ?? Number.POSITIVE_INFINITY;
        const last = lastPassed.get(handle);
        if (last === undefined) {
          lastPassed.set(handle, { sequenceNumber: record.sequenceNumber, sub: at });
          return undefined;
        }
        if (isBehind(record, at, last)) return passedOutOfOrder(record, sub, last, false);
        last.sequenceNumber = record.sequenceNumber;
        last.sub = at;
        return undefined;
      };
      const behindAnother = passesAcrossCheckpoints(sink);
      const passed = ({ record, sub, handle }: Tracked): void => {
        handle.reading.passed(handle.ledger, record.sequenceNumber, sub);
        count(handle.reading);
      };
      const flush = (): void => {
        open = false;
        timer.stop();
        if (sinceCommit > 0 || touched.size > 0) void commitAll();
      };

      let upstream: Observable<T> = source;
      if (resolved.mode === 'concurrent') {
        const process = resolved.process as (item: T) => ObservableInput<unknown>;
        // Per subscriber and reading (WeakMaps: the entries of a reading that ended go with it).
        // A pass settles records of its own subscriber only, so the contiguous prefix of
        // finished items is kept for each subscriber merged into this operator apart.
        const queues = perLedger<Pending[]>();
        const settle = (handle: RecordHandle): OutOfOrderCheckpointError | undefined => {
          const queue = queues.get(handle) ?? [];
          let last: Pending | undefined;
          while (queue.length > 0 && (queue[0] as Pending).done) last = queue.shift();
          if (last === undefined) return undefined;
          const late = behindAnother(last.tracked);
          if (late === undefined) passed(last.tracked);
          else last.tracked.handle.ledger.distrustAll();
          return late;
        };
        upstream = source.pipe(
          mergeMap((item) => {
            const tracked = track(item);
            const { handle } = tracked;
            const entry: Pending = { tracked, done: false };
            let queue = queues.get(handle);
            if (queue === undefined) queues.set(handle, (queue = []));
            queue.push(entry);
            return from(process(item)).pipe(
              ignoreElements(),
              endWith(item),
              (done$) =>
                new Observable<T>((inner) =>
                  done$.subscribe({
                    next: (value) => {
                      entry.done = true;
                      const late = settle(handle);
                      if (late !== undefined) {
                        inner.error(late);
                        return;
                      }
                      inner.next(value);
                    },
                    error: (error: unknown) => inner.error(error),
                    complete: () => inner.complete(),
                  }),
                ),
              // Work that completes synchronously lets mergeMap subscribe the next queued item
              // from inside its completion, one stack level per item: a backlog of some hundreds
              // overflowed the stack (and RxJS may lose that error). On the queue scheduler the
              // next subscription waits for the current one to return: a flat stack, same order.
              subscribeOn(queueScheduler),
            );
          }, resolved.concurrency),
        );
      }

      // Writes start synchronously (the reading takes the positions at once), so completing
      // right after is safe: the consumer's stop waits for writes under way.
      const subscription = withCheckpointSink(sink, () =>
        upstream.subscribe({
          next: (value) => {
            let tracked: Tracked;
            try {
              tracked = track(value);
            } catch (error) {
              subscriber.error(error);
              return;
            }
            if (resolved.mode === 'ordered') {
              const late = outOfOrder(tracked) ?? behindAnother(tracked);
              if (late !== undefined) {
                // Positions settled before it may be ahead of work still under way: the reading
                // writes nothing more (the teardown's flush included).
                tracked.handle.ledger.distrustAll();
                subscriber.error(late);
                return;
              }
              passed(tracked);
            }
            const previous = forwarding;
            forwarding = tracked.record;
            try {
              subscriber.next(value);
            } finally {
              forwarding = previous;
            }
          },
          error: (error: unknown) => {
            flush();
            subscriber.error(error);
          },
          complete: () => {
            flush();
            subscriber.complete();
          },
        }),
      );
      return () => {
        flush();
        for (const ledger of ledgers) ledger.removeSink(sink);
        subscription.unsubscribe();
      };
    });
}
