import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import type { RecordDecodeError } from '../processors/errors/RecordDecodeError.js';
import type { SchedulerLike } from 'rxjs';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

export interface DeserializeOptions {
  /**
   * Called with a RecordDecodeError and the record when a record cannot be decoded (a
   * dead-letter hook). The stream then goes on with the next record; if the hook returns a
   * promise, later records wait until it settles, so nothing is reordered. If the hook throws
   * or its promise rejects, the stream errors with that error. Without the hook a record that
   * cannot be decoded errors the stream.
   *
   * A record of more than 1000 items is decoded item by item as its items go out (so a huge
   * record is never held decoded at once: with an aggregator that has deaggregateLazily(), as
   * the built-in ones have, it holds its bytes and a few bytes per item meanwhile): there an
   * item that cannot be decoded is passed to the hook on its own (the error names its subSequenceNumber), the record's other items
   * are emitted, and only that item is settled. A smaller record is decoded whole before its
   * first item goes out, and one bad item dead-letters the whole record.
   */
  readonly onDecodeError?:
    ((error: RecordDecodeError, record: KinesisRecord) => void | Promise<void>) | undefined;
  /**
   * Most items of one aggregated record emitted ahead of checkpoint() (default 1000). Items of a
   * record from a tracked consumer are emitted as earlier ones settle, so one huge KPL record
   * (up to ~150,000 items in 1 MiB) never materialises all its items at once.
   */
  readonly maxItemsAhead?: number | undefined;
  /**
   * Where the turn given to other work after every 500 items dead-lettered in a row runs. Default:
   * the scheduler of the fromKinesis() the record came from, else asyncScheduler (a TestScheduler
   * or VirtualTimeScheduler in tests on virtual time).
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** Refuses a `scheduler` option that is not an RxJS SchedulerLike. */
export function checkDeserializeScheduler(scheduler: unknown): void {
  if (scheduler === undefined) return;
  const given = scheduler as Partial<SchedulerLike> | null;
  if (typeof given?.schedule !== 'function' || typeof given.now !== 'function') {
    throw new InvalidOptionError(
      'scheduler',
      scheduler,
      'expected an RxJS SchedulerLike such as asyncScheduler',
    );
  }
}
