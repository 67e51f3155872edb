// Case: the pipeline errors in the middle of the stream, and a new consumer restarts from the
// checkpointer's state: a handler that throws synchronously inside concatMap(); work that fails
// asynchronously in checkpoint({ mode: 'concurrent' }) while later items already finished (out
// of order); timeout() erroring an idle pipeline before checkpoint(). Each time the error that
// reaches the subscriber is the pipeline's own, the position stored is the last item handled
// (never one at work or failed, never behind what finished in order), stopped() resolves and no
// timer is left, and the restart handles every record from the one that failed on.
import {
  concatMap,
  delay,
  filter,
  last,
  lastValueFrom,
  map,
  of,
  ReplaySubject,
  take,
  throwError,
  timeout,
  timer,
  TimeoutError,
  toArray,
  type OperatorFunction,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { timersStarted } from '../../../support/timersStarted.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { numbers, putRecords } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';
const COUNT = 20;

type Item = KinesisItem<number>;

interface FailureCase {
  readonly name: string;
  /** From deserialized items to items that passed checkpoint(); records what it handled. */
  readonly pipeline: (handled: number[]) => OperatorFunction<Item, Item>;
  /** Whether `error` is the one this pipeline raises. */
  readonly raised: (error: unknown) => boolean;
  /** Items handled before the error, in order (what the position must cover, and no more). */
  readonly handledBefore: (handled: readonly number[]) => number;
}

const HANDLER_FAILURE = new Error('handler failed on 7');

const cases: readonly FailureCase[] = [
  {
    name: 'a handler throwing synchronously in concatMap()',
    pipeline: (handled) => (items) =>
      items.pipe(
        concatMap((item) => {
          if (item.data === 7) throw HANDLER_FAILURE;
          return timer(5).pipe(
            map(() => {
              handled.push(item.data);
              return item;
            }),
          );
        }),
        checkpoint({ intervalMs: 0 }),
      ),
    raised: (error) => error === HANDLER_FAILURE,
    handledBefore: () => 7,
  },
  {
    name: 'concurrent work failing after later items finished',
    pipeline: (handled) => {
      const done = new ReplaySubject<number>();
      /** Emits once every one of `data` has been handled. */
      const after = (...data: number[]) =>
        done.pipe(
          filter((handledData) => data.includes(handledData)),
          take(data.length),
          last(),
        );
      const finish = (data: number) => () => {
        handled.push(data);
        done.next(data);
      };
      return checkpoint<Item>({
        mode: 'concurrent',
        concurrency: 4,
        intervalMs: 0,
        // Items 0..6 finish in order (timers of one duration run in the order they were set);
        // 7 fails last of its group of four, once 8..10 (started after it, and waiting for 6)
        // finished: done out of order, after the item that fails.
        process: (item) => {
          if (item.data === 7)
            return after(8, 9, 10).pipe(concatMap(() => throwError(() => HANDLER_FAILURE)));
          const ready = item.data >= 8 ? after(6) : of(item.data);
          return ready.pipe(delay(item.data >= 8 ? 5 : 20), map(finish(item.data)));
        },
      });
    },
    raised: (error) => error === HANDLER_FAILURE,
    handledBefore: () => 7,
  },
  {
    name: 'timeout() erroring the idle pipeline',
    pipeline: (handled) => (items) =>
      items.pipe(
        concatMap((item) =>
          timer(5).pipe(
            map(() => {
              handled.push(item.data);
              return item;
            }),
          ),
        ),
        take(COUNT + 1),
        timeout({ first: 30_000, each: 1_000 }),
        checkpoint({ intervalMs: 0 }),
      ),
    raised: (error) => error instanceof TimeoutError,
    handledBefore: (handled) => handled.length,
  },
];

test.each(cases)(
  '$name: position at the last item handled, the restart handles the rest',
  async ({ name, pipeline, raised, handledBefore }) => {
    const streamName = uniqueStreamName(name.replace(/[^a-z]+/gi, '-'));
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const sequences = (await putRecords(client, streamName, numbers(COUNT))).map((r) => r.sequenceNumber);
    client.destroy();
    const checkpointer = new MemoryCheckpointer();
    const timers = timersStarted();

    const handled: number[] = [];
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    const error = await lastValueFrom(
      consumer.pipe(deserialize<number>(), pipeline(handled), toArray()),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await consumer.stopped();
    expect(raised(error)).toBe(true);
    const before = handledBefore(handled);
    expect(before).toBeGreaterThan(0);
    expect(handled.slice(0, before)).toEqual(numbers(before).map(Number));
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: sequences[before - 1] },
    });

    // A restart from the stored position handles every record from the first one not done.
    const restarted = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    const rest = await lastValueFrom(
      restarted.pipe(
        deserialize<number>(),
        take(COUNT - before),
        map((item) => item.data),
        toArray(),
      ),
    );
    await restarted.stopped();
    expect(rest).toEqual(numbers(COUNT - before, before).map(Number));
    // No timer either run started is left (a failure shows where each one left was started).
    const left = await timers.pending();
    timers.stop();
    expect(left).toEqual([]);
  },
);
