import type { ObservableInput, SchedulerLike } from 'rxjs';
import type { KinesisItem } from '../consumer/KinesisItem.js';
import type { KinesisRecord } from '../consumer/KinesisRecord.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { UNSHOWN_VALUE, unknownOptionError } from '../errors/unknownOptionError.js';
import { MAX_TIMER_MS } from '../kinesis/callDeadline.js';

/** What checkpoint() accepts: records from fromKinesis(), or items from deserialize(). */
export type Checkpointable = KinesisRecord | KinesisItem<unknown>;

export interface CheckpointOptions<T extends Checkpointable> {
  /**
   * `ordered` (default): the operator sits after order-preserving processing (map, filter,
   * concatMap); an item reaching it means it and every earlier item of its shard are done.
   * `concurrent`: the operator runs `process` itself, up to `concurrency` items at once, emits
   * each item when its processing completes and commits only the contiguous prefix of
   * completed items per shard.
   */
  readonly mode?: 'ordered' | 'concurrent' | undefined;
  /** Concurrent mode: the work for one item; it is done when the returned input completes. */
  readonly process?: ((item: T) => ObservableInput<unknown>) | undefined;
  /** Concurrent mode: items processed at once (default 16). */
  readonly concurrency?: number | undefined;
  /** Write positions after this many items passed (default 1000). */
  readonly batchSize?: number | undefined;
  /** Write positions this often, in ms (default 5000; 0 = only by count and at the end). */
  readonly intervalMs?: number | undefined;
  /**
   * Where the `intervalMs` timer runs. Default: the scheduler of the fromKinesis() whose records
   * reach this operator first (its `scheduler` option, else asyncScheduler); the timer starts when
   * that consumer is known (at subscribe when this pipeline starts it, else at the first record).
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** Checks checkpoint()'s options and fills in the defaults; throws InvalidOptionError naming the bad one. */
export function validateCheckpointOptions<T extends Checkpointable>(
  options: CheckpointOptions<T>,
): Required<Omit<CheckpointOptions<T>, 'process' | 'scheduler'>> &
  Pick<CheckpointOptions<T>, 'process' | 'scheduler'> {
  checkOptionNames(options);
  const mode = options.mode ?? (options.process === undefined ? 'ordered' : 'concurrent');
  if (mode !== 'ordered' && mode !== 'concurrent')
    throw new InvalidOptionError('mode', mode, 'expected "ordered" or "concurrent"');
  if (mode === 'concurrent' && typeof options.process !== 'function') {
    throw new InvalidOptionError(
      'process',
      options.process,
      'concurrent mode needs process: (item) => ObservableInput',
    );
  }
  if (mode === 'ordered' && options.process !== undefined) {
    throw new InvalidOptionError('process', options.process, 'process is only used in concurrent mode');
  }
  const concurrency = options.concurrency ?? 16;
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new InvalidOptionError('concurrency', concurrency, 'expected an integer >= 1, or Infinity');
  }
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidOptionError('batchSize', batchSize, 'expected an integer >= 1');
  const intervalMs = options.intervalMs ?? 5000;
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new InvalidOptionError(
      'intervalMs',
      intervalMs,
      'expected a finite number of milliseconds >= 0 (0 disables the timer)',
    );
  }
  const scheduler = options.scheduler ?? undefined;
  if (
    scheduler !== undefined &&
    (typeof scheduler?.schedule !== 'function' || typeof scheduler.now !== 'function')
  ) {
    throw new InvalidOptionError(
      'scheduler',
      scheduler,
      'expected an RxJS SchedulerLike such as asyncScheduler',
    );
  }
  // A longer interval is waited as long as a timer can (about 24.8 days): Node would run it after 1 ms.
  return {
    mode,
    process: options.process,
    concurrency,
    batchSize,
    intervalMs: Math.min(intervalMs, MAX_TIMER_MS),
    scheduler,
  };
}

const KNOWN: readonly string[] = ['mode', 'process', 'concurrency', 'batchSize', 'intervalMs', 'scheduler'];

/** Refuses anything but an options object of known names (a misspelt name would do nothing). */
function checkOptionNames(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      options,
      'expected a checkpointer, an options object ({ batchSize, intervalMs, ... }), both, or nothing',
    );
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.includes(key)) continue;
    if (key === 'checkpointer') {
      throw new InvalidOptionError(
        'checkpointer',
        UNSHOWN_VALUE,
        'not an option: pass a checkpointer first, checkpoint(checkpointer, options), or give it to fromKinesis()',
      );
    }
    throw unknownOptionError(key, KNOWN);
  }
}
