import {
  asyncScheduler,
  from,
  ignoreElements,
  endWith,
  mergeMap,
  Observable,
  type MonoTypeOperatorFunction,
  type ObservableInput,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { Checkpointer } from '../checkpointers/Checkpointer.js';
import { withCheckpointSink } from '../consumer/checkpointBinding.js';
import type { CheckpointSink, ConsumerLink } from '../consumer/ConsumerLink.js';
import { NotAConsumerRecordError } from '../consumer/errors/NotAConsumerRecordError.js';
import type { KinesisItem } from '../consumer/KinesisItem.js';
import { CONSUMER_CONTEXT, type KinesisRecord } from '../consumer/KinesisRecord.js';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';

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
  readonly mode?: 'ordered' | 'concurrent';
  /** Concurrent mode: the work for one item; it is done when the returned input completes. */
  readonly process?: (item: T) => ObservableInput<unknown>;
  /** Concurrent mode: items processed at once (default 16). */
  readonly concurrency?: number;
  /** Write positions after this many items passed (default 1000). */
  readonly batchSize?: number;
  /** Write positions this often, in ms (default 5000; 0 = only by count and at the end). */
  readonly intervalMs?: number;
  readonly scheduler?: SchedulerLike;
}

let nextSinkId = 1;

function positionOf(value: unknown): { record: KinesisRecord; sub: number | undefined; link: ConsumerLink } {
  if (typeof value === 'object' && value !== null) {
    const maybeItem = value as Partial<KinesisItem<unknown>>;
    if (
      typeof maybeItem.record === 'object' &&
      maybeItem.record !== null &&
      typeof maybeItem.subSequenceNumber === 'number'
    ) {
      const record = maybeItem.record;
      const link = record[CONSUMER_CONTEXT]?.link;
      if (link !== undefined) {
        const complete = maybeItem.subSequenceNumber >= (maybeItem.subRecordCount ?? 1) - 1;
        return { record, sub: complete ? undefined : maybeItem.subSequenceNumber, link };
      }
    }
    const record = value as KinesisRecord;
    const link = record[CONSUMER_CONTEXT]?.link;
    if (link !== undefined && typeof record.sequenceNumber === 'string')
      return { record, sub: undefined, link };
  }
  throw new NotAConsumerRecordError(value);
}

function validate<T extends Checkpointable>(
  options: CheckpointOptions<T>,
): Required<Omit<CheckpointOptions<T>, 'process'>> & Pick<CheckpointOptions<T>, 'process'> {
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
  const scheduler = options.scheduler ?? asyncScheduler;
  return { mode, process: options.process, concurrency, batchSize, intervalMs, scheduler };
}

interface Pending {
  readonly record: KinesisRecord;
  readonly sub: number | undefined;
  done: boolean;
}

/**
 * Records the positions of items (or whole records) passing through and writes them, through
 * the consumer's lease, to its checkpointer: a shard's position is written only once every
 * earlier record of that shard has passed, never ahead of unprocessed data. Writes are batched
 * by `batchSize` and `intervalMs` and flushed on completion and unsubscribe; a shard read to its
 * end gets SHARD_END once all its records have passed.
 *
 * `checkpoint(checkpointer)` with a fromKinesis() given no checkpointer makes it the consumer's
 * (resume and leases included); giving two different ones errors with CheckpointerConflictError.
 */
export function checkpoint<T extends Checkpointable>(
  options?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T>;
export function checkpoint<T extends Checkpointable>(
  checkpointer: Checkpointer,
  options?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T>;
export function checkpoint<T extends Checkpointable>(
  first?: Checkpointer | CheckpointOptions<T>,
  second?: CheckpointOptions<T>,
): MonoTypeOperatorFunction<T> {
  const isCheckpointer =
    typeof first === 'object' && first !== null && typeof (first as Checkpointer).acquireLease === 'function';
  const checkpointer = isCheckpointer ? (first as Checkpointer) : undefined;
  const resolved = validate((isCheckpointer ? second : (first as CheckpointOptions<T> | undefined)) ?? {});

  return (source) =>
    new Observable<T>((subscriber) => {
      const links = new Set<ConsumerLink>();
      const sink: CheckpointSink = {
        id: nextSinkId++,
        ...(checkpointer === undefined ? {} : { checkpointer }),
        bound: (link) => links.add(link),
      };
      let sinceCommit = 0;
      let timer: Subscription | undefined;

      const commitAll = (): Promise<void> => {
        sinceCommit = 0;
        return Promise.all([...links].map((link) => link.commit())).then(() => undefined);
      };
      const linkOf = (value: unknown) => {
        const position = positionOf(value);
        if (!links.has(position.link)) position.link.attachSink(sink);
        return position;
      };
      const passed = (record: KinesisRecord, sub: number | undefined, link: ConsumerLink) => {
        link.passed(sink.id, record, sub);
        sinceCommit += 1;
        if (sinceCommit >= resolved.batchSize) void commitAll();
      };

      if (resolved.intervalMs > 0) {
        const period = resolved.intervalMs;
        timer = resolved.scheduler.schedule(function (this: SchedulerAction<undefined>) {
          if (sinceCommit > 0) void commitAll();
          this.schedule(undefined, period);
        }, period);
      }

      // Writes start synchronously (the consumer takes the positions at once), so completing
      // right after is safe: the consumer's stop waits for writes under way.
      const complete = () => {
        timer?.unsubscribe();
        if (sinceCommit > 0) void commitAll();
        subscriber.complete();
      };

      let upstream: Observable<T> = source;
      if (resolved.mode === 'concurrent') {
        const process = resolved.process as (item: T) => ObservableInput<unknown>;
        const queues = new Map<string, Pending[]>();
        const settle = (key: string, link: ConsumerLink) => {
          const queue = queues.get(key) ?? [];
          let last: Pending | undefined;
          while (queue.length > 0 && (queue[0] as Pending).done) last = queue.shift();
          if (last !== undefined) passed(last.record, last.sub, link);
        };
        upstream = source.pipe(
          mergeMap((item) => {
            const { record, sub, link } = linkOf(item);
            const key = `${record.streamName}/${record.shardId}`;
            const entry: Pending = { record, sub, done: false };
            let queue = queues.get(key);
            if (queue === undefined) queues.set(key, (queue = []));
            queue.push(entry);
            return from(process(item)).pipe(
              ignoreElements(),
              endWith(item),
              (done$) =>
                new Observable<T>((inner) =>
                  done$.subscribe({
                    next: (value) => {
                      entry.done = true;
                      settle(key, link);
                      inner.next(value);
                    },
                    error: (error: unknown) => inner.error(error),
                    complete: () => inner.complete(),
                  }),
                ),
            );
          }, resolved.concurrency),
        );
      }

      const subscription = withCheckpointSink(sink, () =>
        upstream.subscribe({
          next: (value) => {
            let position: ReturnType<typeof positionOf>;
            try {
              position = linkOf(value);
            } catch (error) {
              subscriber.error(error);
              return;
            }
            if (resolved.mode === 'ordered') passed(position.record, position.sub, position.link);
            subscriber.next(value);
          },
          error: (error: unknown) => {
            timer?.unsubscribe();
            if (sinceCommit > 0) void commitAll();
            subscriber.error(error);
          },
          complete,
        }),
      );
      return () => {
        timer?.unsubscribe();
        if (sinceCommit > 0) void commitAll();
        for (const link of links) link.detachSink(sink.id);
        subscription.unsubscribe();
      };
    });
}
