import { Observable, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import { currentCheckpointSink } from '../consumer/checkpointBinding.js';
import type { KinesisItem } from '../consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../consumer/KinesisRecord.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { Checkpointable } from './checkpoint.js';

/** Reports a dropped record or item to the consumer that emitted it, if any. */
function reportSkipped(value: unknown, sinkId: number | undefined): void {
  if (typeof value !== 'object' || value === null) return;
  const maybeItem = value as Partial<KinesisItem<unknown>>;
  if (
    typeof maybeItem.record === 'object' &&
    maybeItem.record !== null &&
    typeof maybeItem.subSequenceNumber === 'number'
  ) {
    const record = maybeItem.record;
    record[CONSUMER_CONTEXT]?.link?.skipped?.(
      record,
      maybeItem.subSequenceNumber,
      maybeItem.subRecordCount ?? 1,
      sinkId,
    );
    return;
  }
  const record = value as KinesisRecord;
  if (typeof record.sequenceNumber !== 'string') return;
  record[CONSUMER_CONTEXT]?.link?.skipped?.(record, undefined, 1, sinkId);
}

/**
 * filter() for items (or records) on their way to checkpoint(): keeps the values `predicate`
 * accepts and tells the consumer that each dropped one is done, so it never holds back the
 * shard's checkpoint — not even at the very end of a shard, where no later item would settle
 * it and the shard's SHARD_END (and so its children after a resharding) would wait forever.
 *
 * A dropped item settles that item alone, never the items before it (they may still be in a
 * slower stage downstream): positions still advance only over the contiguous prefix of done
 * items, so nothing is committed ahead of unfinished work, whatever the operators between
 * checkpointFilter() and checkpoint() (concatMap, per-shard groupBy, concurrent mode...).
 *
 * The drop is reported for the checkpoint() this operator was subscribed under (subscribed in
 * the same synchronous chain, through any operators in between). When subscribed later, inside
 * a projection (e.g. per group of a groupBy), it is reported for every checkpoint() reading the
 * records: with several checkpoint() operators on one fromKinesis(), keep checkpointFilter() in
 * the main chain. Values that did not come from fromKinesis() are simply dropped.
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
      const sinkId = currentCheckpointSink()?.id;
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
          else reportSkipped(value, sinkId);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
