import { Observable, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import { trackedValue } from '../consumer/RecordTracking.js';
import type { SplitRecordCheckpointError } from '../consumer/errors/SplitRecordCheckpointError.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { splitRecordRefusal } from './checkpointSplitRecord.js';
import type { Checkpointable } from './checkpoint.js';

/**
 * Tells the reading that emitted a dropped record or item that it is done in this pipeline.
 * Returns the error for a whole record whose items (deserialize() split it) are not all done.
 */
function reportSkipped(value: unknown): SplitRecordCheckpointError | undefined {
  const tracked = trackedValue(value);
  const handle = tracked?.handle;
  if (tracked === undefined || handle === undefined) return undefined;
  const split = splitRecordRefusal(tracked);
  if (split !== undefined) return split;
  handle.reading.skipped(
    handle.ledger,
    tracked.record.sequenceNumber,
    tracked.subSequenceNumber,
    tracked.subRecordCount,
    tracked.record.resumeAfterSubSequenceNumber,
  );
  return undefined;
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
          if (keep) {
            subscriber.next(value);
            return;
          }
          try {
            const refused = reportSkipped(value);
            if (refused !== undefined) subscriber.error(refused);
          } catch (error) {
            // A value that throws when read (a Proxy): the pipeline errors, nothing is thrown from next.
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
