import { Observable, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import { trackedValue } from '../consumer/RecordTracking.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Checkpointable } from './checkpoint.js';

/** Tells the reading that emitted a dropped record or item that it is done in this pipeline. */
function reportSkipped(value: unknown): void {
  const tracked = trackedValue(value);
  const handle = tracked?.handle;
  if (tracked === undefined || handle === undefined) return;
  handle.reading.skipped(
    handle.ledger,
    tracked.record.sequenceNumber,
    tracked.subSequenceNumber,
    tracked.subRecordCount,
    tracked.record.resumeAfterSubSequenceNumber,
  );
}

/**
 * filter() for items (or records) on their way to checkpoint(): keeps the values `predicate`
 * accepts and tells the consumer that each dropped one is done in this subscriber's pipeline, so
 * it never holds back the shard's checkpoint, not even at the very end of a shard (where no later
 * item would settle it and SHARD_END, and so the children after a resharding, would wait).
 *
 * A dropped item settles that item alone, never the items before it (they may still be in a
 * slower stage downstream): positions still advance only over the contiguous prefix of done
 * items. Drops count toward the batchSize and intervalMs of the pipeline's checkpoint().
 * The record or item carries what it needs to be settled, so this holds however and whenever
 * the pipeline subscribed. Values that did not come from fromKinesis() are simply dropped.
 */
export function checkpointFilter<T extends Checkpointable, S extends T>(
  predicate: (value: T, index: number) => value is S,
): OperatorFunction<T, S>;
export function checkpointFilter<T extends Checkpointable>(
  predicate: (value: T, index: number) => boolean,
): MonoTypeOperatorFunction<T>;
export function checkpointFilter<T extends Checkpointable>(
  predicate: (value: T, index: number) => boolean,
): MonoTypeOperatorFunction<T> {
  if (typeof predicate !== 'function') {
    throw new InvalidOptionError('predicate', predicate, 'expected a function (value, index) => boolean');
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      let index = 0;
      return source.subscribe({
        next: (value) => {
          let keep: boolean;
          try {
            keep = predicate(value, index++);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (keep) subscriber.next(value);
          else reportSkipped(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
