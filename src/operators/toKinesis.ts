import { Observable, Subscription, type OperatorFunction } from 'rxjs';
import { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import type { DeliveryReport, FailedReport } from '../producer/DeliveryReport.js';
import { describeThrown } from '../errors/describeThrown.js';
import { queueFullErrorWithoutStack } from '../producer/errors/QueueFullError.js';
import { ProducerEngine } from '../producer/ProducerEngine.js';
import { CloseDeadline } from '../producer/CloseDeadline.js';
import { checkOptionNames } from '../producer/knownOptionNames.js';
import { producerLog } from '../producer/producerLog.js';
import { resolveProducerOptions } from '../producer/resolveProducerOptions.js';
import { SharedMetricsObserver } from '../producer/SharedMetricsObserver.js';
import {
  resolveFlushTimeoutMs,
  resolveToKinesisPolicies,
  type ToKinesisOptions,
} from '../producer/ToKinesisOptions.js';

function asKinesisError(error: unknown): RxjsKinesisError {
  return error instanceof RxjsKinesisError
    ? error
    : new RxjsKinesisError(describeThrown(error), { cause: error });
}

/**
 * Writes every item of the source to a Kinesis stream and emits one delivery report per item:
 * `{ status: 'delivered', shardId, sequenceNumber, subSequenceNumber?, ... }`, or, depending on
 * the policies, `{ status: 'failed', error }` / `{ status: 'dropped', error }`. Reports come in the
 * order PutRecords answers arrive, not in input order; `index` tells which input each is about.
 *
 * One producer engine per subscription. When the source completes, everything is flushed and the
 * output completes after the last report. `metricsObserver` hears the engines of every
 * subscription (see SharedMetricsObserver). On unsubscribe the accepted items are still delivered
 * (unless `flushOnUnsubscribe: false`: then nothing more is sent, as with Producer's
 * `close({ abort: true })`), with nobody left to hear the reports. `flushTimeoutMs` bounds both
 * flushes: at its deadline the engine is aborted as by `close({ abort: true })`, every item not
 * settled reported (per onFailure), and the output ends. Options are validated when toKinesis()
 * is called.
 */
export function toKinesis<T>(options: ToKinesisOptions<T>): OperatorFunction<T, DeliveryReport<T>> {
  checkOptionNames(options, 'operator');
  const policies = resolveToKinesisPolicies(options);
  const flushTimeoutMs = resolveFlushTimeoutMs(options);
  resolveProducerOptions(options);
  const { metricsObserver } = options;
  const metrics = metricsObserver === undefined ? undefined : SharedMetricsObserver.of(metricsObserver);
  return (source) =>
    new Observable<DeliveryReport<T>>((subscriber) => {
      let index = 0;
      let intakeOpen = true;
      let finished = false;
      let terminal: { error: unknown } | undefined;
      // Closing `intake` before the source subscription is added (a synchronous source that
      // failed) unsubscribes that subscription as soon as it is added.
      const intake = new Subscription();
      // The subscriber the source emits to, known as soon as the source is subscribed (before its
      // subscribe() returns): closing it stops a synchronous source (an iterable, range()) from
      // being pulled any further while it emits.
      let sourceSubscriber: Subscription | undefined;

      // True while the flush deadline aborts the engine: the reports it emits settle the flush,
      // whose end waits until the engine has stopped (see flushDeadlinePassed).
      let aborting = false;

      const finish = () => {
        if (finished || aborting) return;
        finished = true;
        deadline.end();
        // The engine stops before the end is delivered (a finalize() after the operator finds
        // nothing of it running). A retry() or repeat() that subscribes again from inside the
        // delivery starts its run while the shared metricsObserver is held open.
        const end = () => {
          void engine.dispose();
          if (terminal === undefined) subscriber.complete();
          else subscriber.error(terminal.error);
        };
        if (metrics === undefined) end();
        else metrics.ending(end);
      };
      const stopIntake = () => {
        intakeOpen = false;
        intake.unsubscribe();
        sourceSubscriber?.unsubscribe();
      };
      const fail = (error: unknown) => {
        if (terminal !== undefined || finished) return;
        terminal = { error };
        stopIntake();
        finalFlush();
      };
      const failedReport = (report: FailedReport<T>) => {
        if (finished) return;
        if (policies.onFailure === 'error' && terminal === undefined) fail(report.error);
        else subscriber.next(report);
      };
      const failedItem = (item: T, itemIndex: number, error: RxjsKinesisError) =>
        failedReport({ status: 'failed', item, index: itemIndex, error });

      // A failure of the engine while it is still being built (its first shard map load, run from
      // its constructor, can fail at once with a caller's client that throws) is handled once the
      // engine and the final flush exist.
      let failedWhileBuilt: { error: unknown } | undefined;
      let built = false;
      const engine = new ProducerEngine<T>(options, {
        report: (report) => {
          if (report.status === 'failed') failedReport(report);
          else if (!finished) subscriber.next(report);
        },
        fatal: (error) => {
          if (built) fail(error);
          else failedWhileBuilt ??= { error };
        },
      });
      /**
       * The final flush did not finish in flushTimeoutMs: the engine is aborted as Producer's
       * close({ abort: true }) aborts it, every item not settled reported now (emitted, unless the
       * subscriber left), then the output ends once the engine has stopped.
       */
      const flushDeadlinePassed = (timeoutMs: number) => {
        const { logger, address } = engine.options;
        producerLog(logger, address.streamName, 'warn', 'flush deadline passed: aborting', {
          timeoutMs,
          items: engine.queuedItems,
        });
        aborting = true;
        try {
          void engine.dispose(true);
        } finally {
          aborting = false;
        }
        finish();
      };
      const deadline = new CloseDeadline(engine.options.scheduler, flushDeadlinePassed);
      /** Sends everything accepted, ends the output once it is settled, within flushTimeoutMs. */
      const finalFlush = () => {
        // A failure reported by the abort itself: the output ends once the abort is over.
        if (aborting) return;
        engine.flush(finish);
        // Several final flushes (a failure during the first one): the first deadline rules.
        deadline.set(flushTimeoutMs);
      };
      built = true;
      metrics?.attach(engine.metrics$);
      if (failedWhileBuilt !== undefined) fail(failedWhileBuilt.error);
      if (options.flushOn !== undefined) {
        intake.add(
          options.flushOn.subscribe({ next: () => engine.flush(), error: (error: unknown) => fail(error) }),
        );
      }
      // A flushOn that failed at once has ended the output: the source is not subscribed to (what
      // it gave would be thrown away).
      if (!intakeOpen) return () => intake.unsubscribe();

      /** Refuses an item the queue has no room for; its report goes out at once. */
      const refuseItem = (item: T, itemIndex: number) => {
        // One error per refused item (each names its own), built without a stack: a source
        // flooding a full queue has many refused, and the stack says nothing more.
        const error = queueFullErrorWithoutStack(item, itemIndex, engine.queuedItems, engine.queuedBytes, {
          streamName: engine.options.address.streamName,
        });
        if (policies.overflow === 'drop-newest') {
          subscriber.next({ status: 'dropped', item, index: itemIndex, error });
          return;
        }
        engine.countRefused();
        failedItem(item, itemIndex, error);
      };
      /** Accepts, refuses or fails one item of the source; reports of the last two go out at once. */
      const takeItem = (item: T) => {
        const itemIndex = index;
        index += 1;
        // A queue that takes no item whatever its size refuses it before serializing it.
        if (!engine.hasRoomFor()) {
          refuseItem(item, itemIndex);
          return;
        }
        let prepared;
        try {
          prepared = engine.prepare(item, itemIndex);
        } catch (error) {
          failedItem(item, itemIndex, asKinesisError(error));
          return;
        }
        if (!engine.hasRoomFor(prepared.size)) {
          refuseItem(item, itemIndex);
          return;
        }
        engine.accept(prepared);
      };
      const relayed = new Observable<T>((inner) => {
        sourceSubscriber = inner;
        return source.subscribe(inner);
      });
      intake.add(
        relayed.subscribe({
          next: (item) => {
            // Unsubscribed while a synchronous source emits (take() on the reports): what comes
            // after the unsubscription is not taken.
            if (intakeOpen && !subscriber.closed) takeItem(item);
            // Nothing more is taken (the output ended, or the report of this item ended the
            // subscription): the source is asked for nothing more.
            if (!intakeOpen || subscriber.closed) sourceSubscriber?.unsubscribe();
          },
          // A source error is passed on unchanged, after what was accepted has been delivered.
          error: (error: unknown) => fail(error),
          complete: () => {
            intakeOpen = false;
            if (terminal === undefined) finalFlush();
          },
        }),
      );

      return () => {
        intake.unsubscribe();
        if (finished) return;
        finished = true;
        // Left from inside a report of the flush deadline's abort: that abort stops the engine.
        if (aborting) return;
        if (policies.flushOnUnsubscribe) {
          // Delivered in the background, within flushTimeoutMs (counted from the final flush if
          // one runs already): then aborted, with nobody left to hear the reports.
          engine.flush(() => {
            deadline.end();
            void engine.dispose();
          });
          deadline.set(flushTimeoutMs);
        } else {
          // Aborted as Producer.close({ abort: true }) is: every timer, call and thread stops now
          // and the items fail (counted in the metrics), with nobody left to hear the reports.
          deadline.end();
          void engine.dispose(true);
        }
      };
    });
}
