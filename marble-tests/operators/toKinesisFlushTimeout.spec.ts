// toKinesis()'s flushTimeoutMs in virtual time: the final flush (after the source completes or
// fails, or on unsubscribe with flushOnUnsubscribe: true) delivers as usual until the deadline;
// if it has not finished by then, the engine is aborted at that moment as Producer's
// close({ abort: true }) aborts it (the items not delivered fail with ProducerAbortedError,
// `deliveryUnknown` where their call got no answer; those held by afterFlush are reported
// delivered), their reports are emitted per onFailure, and the output ends. Without it, an
// afterFlush that never settles, a stream that throttles for ever or a call that never gets an
// answer kept the output open for ever, and after an unsubscription kept sending (or kept the
// engine) for ever.
import { Observable, of, takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { CountingTimers } from '../producer/support/countingTimers.js';
import { FakeKinesis, type FakeKinesisOptions } from '../producer/support/fakeKinesis.js';

const SHARD_A = 'shardId-000000000000';
const SHARD_B = 'shardId-000000000001';
/** Items named B... go to the second of two shards, the others to the first. */
const hashKey = (item: string) => (item.startsWith('B') ? String(2n ** 127n + 1n) : '1');
const never = () => new Promise<void>(() => undefined);
const throttleB = ({ data }: { data: string }) =>
  data.startsWith('"B') ? 'ProvisionedThroughputExceededException' : undefined;
/** Virtual time a run may last: a producer sending for ever stops being watched then. */
const HORIZON_MS = 60_000;

function describeError(error: unknown): string {
  if (!(error instanceof ProducerAbortedError)) return String(error);
  const items = error.items.map((entry) => String(entry.item)).join(',');
  return `aborted ${items} ${error.context.shardId ?? '-'} unknown:${error.deliveryUnknown}`;
}

function describeReport(report: DeliveryReport<string>): string {
  if (report.status === 'delivered') return `${report.item} delivered ${report.shardId}`;
  return `${report.item} ${report.status} ${describeError(report.error)}`;
}

interface Run {
  readonly fake: FakeKinesis;
  readonly timers: CountingTimers;
  /** What the output did, with the virtual time of each. */
  readonly events: string[];
  /** When the engine stopped (its metrics completed); -1 if it never did. */
  readonly disposedAt: number;
  /** Producer timers pending when the output ended; -1 if it never ended. */
  readonly liveAtEnd: number;
  readonly warnings: string[];
}

/**
 * Pipes `source` (made on the test scheduler) through toKinesis() on a FakeKinesis with two
 * shards, optionally unsubscribing at `leaveAt`, all in virtual time up to HORIZON_MS.
 */
function run(
  source: (scheduler: TestScheduler) => Observable<string>,
  fakeOptions: FakeKinesisOptions,
  options: Partial<ToKinesisOptions<string>>,
  leaveAt?: number,
): Run {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  let fake!: FakeKinesis;
  let timers!: CountingTimers;
  const events: string[] = [];
  const warnings: string[] = [];
  let disposedAt = -1;
  let liveAtEnd = -1;
  scheduler.run(() => {
    scheduler.maxFrames = HORIZON_MS;
    fake = new FakeKinesis(scheduler, { shards: 2, ...fakeOptions });
    timers = new CountingTimers(scheduler);
    const quiet = () => undefined;
    const out = source(scheduler).pipe(
      toKinesis<string>({
        streamName: 'orders',
        client: fake.client,
        partitionKey: 'k',
        explicitHashKey: hashKey,
        scheduler: timers,
        bufferTime: 5,
        expoBackoff: 100,
        random: () => 0.99,
        logger: { debug: quiet, info: quiet, error: quiet, warn: (message) => warnings.push(message) },
        metricsObserver: { complete: () => (disposedAt = scheduler.now()) },
        ...options,
      }),
    );
    const ended = (what: string) => {
      liveAtEnd = timers.live;
      events.push(`${scheduler.now()} ${what}`);
    };
    const stop = leaveAt === undefined ? new Observable<never>() : timer(leaveAt, scheduler);
    out.pipe(takeUntil(stop)).subscribe({
      next: (report) => events.push(`${scheduler.now()} ${describeReport(report)}`),
      error: (error: unknown) => ended(`error ${describeError(error)}`),
      complete: () => ended('complete'),
    });
  });
  return { fake, timers, events, disposedAt, liveAtEnd, warnings };
}

const both = () => of('A1', 'B2');

describe('toKinesis() flushTimeoutMs in virtual time', () => {
  it('a stream that throttles for ever (onFailure: emit): the throttled item is reported failed at the deadline, then the output completes', () => {
    const { events, fake, timers, disposedAt, liveAtEnd, warnings } = run(
      both,
      { latencyMs: 10, entryFault: throttleB },
      { flushTimeoutMs: 500, onFailure: 'emit' },
    );
    expect(events).toEqual([
      `10 A1 delivered ${SHARD_A}`,
      `500 B2 failed aborted B2 ${SHARD_B} unknown:false`,
      '500 complete',
    ]);
    // Flushed at 0 (the source completed); B2 went again after 99 and 198 ms of back-off and was
    // waiting 396 ms more at the deadline: no call after it.
    expect(fake.calls.map((call) => call.time)).toEqual([0, 109, 317]);
    expect(disposedAt).toBe(500);
    expect(liveAtEnd).toBe(0);
    expect(timers.live).toBe(0);
    expect(warnings).toEqual([
      'rxjs-kinesis: flush deadline passed: aborting streamName=orders timeoutMs=500 items=1',
    ]);
  });

  it('a stream that throttles for ever (onFailure: error): the output errors with the aborted item at the deadline', () => {
    const { events, disposedAt, timers } = run(
      both,
      { latencyMs: 10, entryFault: throttleB },
      { flushTimeoutMs: 500 },
    );
    expect(events).toEqual([`10 A1 delivered ${SHARD_A}`, `500 error aborted B2 ${SHARD_B} unknown:false`]);
    expect(disposedAt).toBe(500);
    expect(timers.live).toBe(0);
  });

  it('an afterFlush that never settles: the items it holds are reported delivered at the deadline, then the output completes', () => {
    const { events, disposedAt, liveAtEnd } = run(
      both,
      { latencyMs: 10 },
      { flushTimeoutMs: 1_000, afterFlush: never },
    );
    // Stored at 10, held by afterFlush until the deadline (the abort's rule: delivered).
    expect(events).toEqual([`1000 A1 delivered ${SHARD_A}`, `1000 B2 delivered ${SHARD_B}`, '1000 complete']);
    expect(disposedAt).toBe(1_000);
    expect(liveAtEnd).toBe(0);
  });

  it('calls that never get an answer: the first aborted item errors the output, the other is reported failed first, both deliveryUnknown', () => {
    const { events, fake, disposedAt, timers } = run(
      both,
      // Answered after the producer's own deadline for a caller's client's calls (35 s).
      { latencyMs: 1_000_000 },
      { flushTimeoutMs: 2_000 },
    );
    expect(events).toEqual([
      `2000 B2 failed aborted B2 ${SHARD_B} unknown:true`,
      `2000 error aborted A1 ${SHARD_A} unknown:true`,
    ]);
    expect(fake.calls.map((call) => call.time)).toEqual([0]);
    expect(disposedAt).toBe(2_000);
    expect(timers.live).toBe(0);
  });

  it('a source error: what was accepted is delivered up to the deadline, then the source error is passed on', () => {
    const boom = new Error('boom');
    const { events, disposedAt } = run(
      (scheduler) => scheduler.createColdObservable('a b #', { a: 'A1', b: 'B2' }, boom),
      { latencyMs: 10, entryFault: throttleB },
      { flushTimeoutMs: 500, onFailure: 'emit' },
    );
    expect(events).toEqual([
      `12 A1 delivered ${SHARD_A}`,
      `502 B2 failed aborted B2 ${SHARD_B} unknown:false`,
      '502 error Error: boom',
    ]);
    expect(disposedAt).toBe(502);
  });

  it('a flush that finishes first aborts nothing and leaves no timer', () => {
    const { events, liveAtEnd, warnings } = run(both, { latencyMs: 10 }, { flushTimeoutMs: 500 });
    expect(events).toEqual([`10 A1 delivered ${SHARD_A}`, `10 B2 delivered ${SHARD_B}`, '10 complete']);
    expect(liveAtEnd).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('flushTimeoutMs: 0 aborts at the next turn of the scheduler', () => {
    const { events } = run(both, { latencyMs: 10 }, { flushTimeoutMs: 0, onFailure: 'emit' });
    expect(events).toEqual([
      `0 A1 failed aborted A1 ${SHARD_A} unknown:true`,
      `0 B2 failed aborted B2 ${SHARD_B} unknown:true`,
      '0 complete',
    ]);
  });

  it('unsubscribed while a stream throttles for ever (flushOnUnsubscribe: true): sending stops at the deadline, the engine stops', () => {
    const { events, fake, disposedAt, timers } = run(
      (scheduler) => scheduler.createColdObservable('a b', { a: 'A1', b: 'B2' }),
      { latencyMs: 10, entryFault: throttleB },
      { flushTimeoutMs: 1_000 },
      30,
    );
    // Sent at 5 (bufferTime), A1 stored at 15, B2 throttled; takeUntil() leaves at 30.
    expect(events).toEqual([`15 A1 delivered ${SHARD_A}`, '30 complete']);
    const times = fake.calls.map((call) => call.time);
    expect(Math.max(...times)).toBeLessThan(1_030);
    expect(disposedAt).toBe(1_030);
    expect(timers.live).toBe(0);
  });

  it('unsubscribed while afterFlush never settles (flushOnUnsubscribe: true): the engine stops at the deadline', () => {
    const { events, disposedAt, timers } = run(
      (scheduler) => scheduler.createColdObservable('a b', { a: 'A1', b: 'B2' }),
      { latencyMs: 10 },
      { flushTimeoutMs: 1_000, afterFlush: never },
      30,
    );
    expect(events).toEqual(['30 complete']);
    expect(disposedAt).toBe(1_030);
    expect(timers.live).toBe(0);
  });

  it('a failure during the final flush (onFailure: error) keeps the deadline counted from the completion', () => {
    const { events, disposedAt } = run(
      both,
      {
        latencyMs: 10,
        entryFault: ({ data }) => (data === '"A1"' ? 'KMSAccessDeniedException' : throttleB({ data })),
      },
      { flushTimeoutMs: 500 },
    );
    // A1 fails at 10 (the output's error, once the rest is settled); B2 throttles until the
    // deadline of the flush started at 0.
    expect(events).toEqual([
      `500 B2 failed aborted B2 ${SHARD_B} unknown:false`,
      expect.stringMatching(/^500 error .*KMSAccessDeniedException/) as unknown as string,
    ]);
    expect(disposedAt).toBe(500);
  });

  it('unsubscribed during the final flush: the engine stops at the deadline counted from the completion', () => {
    const { events, fake, disposedAt, timers } = run(
      both,
      { latencyMs: 10, entryFault: throttleB },
      { flushTimeoutMs: 1_000 },
      300,
    );
    expect(events).toEqual([`10 A1 delivered ${SHARD_A}`, '300 complete']);
    expect(Math.max(...fake.calls.map((call) => call.time))).toBeLessThan(1_000);
    expect(disposedAt).toBe(1_000);
    expect(timers.live).toBe(0);
  });
});

describe('toKinesis() flushTimeoutMs validation', () => {
  it.each([-1, Number.NaN, 2 ** 31, '100', null, Number.NEGATIVE_INFINITY])(
    'refuses %p at toKinesis() with InvalidOptionError',
    (flushTimeoutMs) => {
      expect(() => toKinesis<string>({ streamName: 's', flushTimeoutMs: flushTimeoutMs as number })).toThrow(
        InvalidOptionError,
      );
    },
  );

  it('is an option of toKinesis(): Producer refuses it (its close() takes { timeoutMs })', () => {
    expect(() => new Producer<string>({ streamName: 's', flushTimeoutMs: 100 } as never)).toThrow(
      'an option of toKinesis(), not of Producer',
    );
  });

  it.each([0, 1.5, 2 ** 31 - 1, Number.POSITIVE_INFINITY])('takes %p', (flushTimeoutMs) => {
    expect(() => toKinesis<string>({ streamName: 's', flushTimeoutMs })).not.toThrow();
  });
});
