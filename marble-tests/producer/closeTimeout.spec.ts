// Producer.close({ timeoutMs }) in virtual time: the close delivers as usual until its deadline;
// if it has not finished by then, the producer is aborted at that moment exactly as by
// close({ abort: true }) (the items not delivered fail with ProducerAbortedError, put() calls
// waiting for room reject), and the close rejects with ProducerCloseTimeoutError, which counts what
// the abort found and has as its cause the failure the close would have rejected with otherwise
// (even when every item was delivered: the close did not end cleanly). Without it, an
// afterFlush that never settles, a stream that throttles for ever or a call that never gets an
// answer kept close() pending for ever.
import { TestScheduler } from 'rxjs/testing';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { ProducerCloseTimeoutError } from '../../src/producer/errors/ProducerCloseTimeoutError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import { CountingTimers } from './support/countingTimers.js';
import { FakeKinesis, type FakeKinesisOptions } from './support/fakeKinesis.js';

const SHARD_A = 'shardId-000000000000';
const SHARD_B = 'shardId-000000000001';
/** Items named B... go to the second of two shards, the others to the first. */
const hashKey = (item: string) => (item.startsWith('B') ? String(2n ** 127n + 1n) : '1');
const never = () => new Promise<void>(() => undefined);

function describeReport(at: number, report: DeliveryReport<string>): string {
  if (report.status === 'delivered') return `${at} ${report.item} delivered ${report.shardId}`;
  const { error } = report;
  if (!(error instanceof ProducerAbortedError)) return `${at} ${report.item} ${error.name}`;
  return `${at} ${report.item} aborted ${error.context.shardId} unknown:${error.deliveryUnknown}`;
}

type Close = (producer: Producer<string>, at: (time: number, work: () => void) => void) => void;

/**
 * Puts `items` at 0 into a producer on a FakeKinesis with two shards, then runs `close`, all in
 * virtual time; returns what happened once virtual time has run out.
 */
function run(
  items: readonly string[],
  close: Close,
  fakeOptions: FakeKinesisOptions,
  options: Partial<ProducerOptions<string>> = {},
) {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  let fake!: FakeKinesis;
  let producer!: Producer<string>;
  let timers!: CountingTimers;
  const reports: string[] = [];
  const warnings: string[] = [];
  const puts: Promise<string>[] = [];
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, { shards: 2, ...fakeOptions });
    timers = new CountingTimers(scheduler);
    const quiet = () => undefined;
    producer = new Producer<string>({
      streamName: 'orders',
      client: fake.client,
      partitionKey: 'k',
      explicitHashKey: hashKey,
      scheduler: timers,
      bufferTime: 5,
      random: () => 0.99,
      logger: { debug: quiet, info: quiet, error: quiet, warn: (message) => warnings.push(message) },
      ...options,
    });
    producer.reports$.subscribe((report) => reports.push(describeReport(scheduler.now(), report)));
    for (const item of items) {
      puts.push(
        producer.put(item).then(
          () => `${item} accepted`,
          (error: Error) => `${item} ${error.name}`,
        ),
      );
    }
    close(producer, (time, work) => scheduler.schedule(work, time));
  });
  return { producer, fake, timers, reports: reports.sort(), warnings, puts: Promise.all(puts) };
}

async function outcome(promise: Promise<void> | undefined): Promise<unknown> {
  return promise!.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

/** The ProducerCloseTimeoutError a close rejected with: its counts, and its cause. */
async function timedOut(promise: Promise<void> | undefined) {
  const error = await outcome(promise);
  expect(error).toBeInstanceOf(ProducerCloseTimeoutError);
  const { timeoutMs, failed, deliveryUnknown, delivered, waitingPuts, cause, context } =
    error as ProducerCloseTimeoutError;
  expect(context.streamName).toBe('orders');
  return { counts: { timeoutMs, failed, deliveryUnknown, delivered, waitingPuts }, cause };
}

describe('Producer.close({ timeoutMs }) in virtual time', () => {
  it('an afterFlush that never settles: at the deadline the items are reported delivered; close() rejects with the counts', async () => {
    let closed: Promise<void> | undefined;
    const { reports, warnings, timers, producer } = run(
      ['A1', 'B2'],
      (producer, at) => at(20, () => (closed = producer.close({ timeoutMs: 1_000 }))),
      { latencyMs: 10 },
      { afterFlush: never },
    );
    // Stored at 15, held by afterFlush until the deadline at 1020 (the abort's rule: delivered).
    expect(reports).toEqual([`1020 A1 delivered ${SHARD_A}`, `1020 B2 delivered ${SHARD_B}`]);
    // Delivered, yet the close did not finish: afterFlush never said it was done with them.
    const { counts, cause } = await timedOut(closed);
    expect(counts).toEqual({ timeoutMs: 1_000, failed: 0, deliveryUnknown: 0, delivered: 2, waitingPuts: 0 });
    expect(cause).toBeUndefined();
    expect(warnings).toEqual([
      'rxjs-kinesis: close deadline passed: aborting streamName=orders timeoutMs=1000 items=2 waitingPuts=0',
    ]);
    expect(timers.live).toBe(0);
    expect(producer.queuedItems).toBe(0);
  });

  it('a stream that throttles for ever (retryLimit Infinity): the throttled item fails at the deadline, never stored', async () => {
    let closed: Promise<void> | undefined;
    const { reports, fake, timers } = run(
      ['A1', 'B2'],
      (producer, at) => at(0, () => (closed = producer.close({ timeoutMs: 500 }))),
      {
        latencyMs: 10,
        entryFault: ({ data }) => (data === '"B2"' ? 'ProvisionedThroughputExceededException' : undefined),
      },
      { expoBackoff: 100 },
    );
    expect(reports).toEqual([`10 A1 delivered ${SHARD_A}`, `500 B2 aborted ${SHARD_B} unknown:false`]);
    // The close sent at once (0); B2 went again after 99 and 198 ms of back-off, and was waiting
    // 396 ms more at the deadline: no call after it.
    expect(fake.calls.map((call) => call.time)).toEqual([0, 109, 317]);
    const { counts, cause } = await timedOut(closed);
    expect(counts).toEqual({ timeoutMs: 500, failed: 1, deliveryUnknown: 0, delivered: 0, waitingPuts: 0 });
    expect(cause).toBeInstanceOf(ProducerAbortedError);
    expect((cause as ProducerAbortedError).items.map((entry) => entry.item)).toEqual(['B2']);
    expect(timers.live).toBe(0);
  });

  it('only send() items left (their failures reject their send() only): close() still rejects with the counts', async () => {
    let closed: Promise<void> | undefined;
    let sent: Promise<unknown> | undefined;
    const { reports } = run(
      [],
      (producer, at) => {
        sent = producer.send('B1').catch((error: unknown) => error);
        at(0, () => (closed = producer.close({ timeoutMs: 500 })));
      },
      { latencyMs: 10, entryFault: () => 'ProvisionedThroughputExceededException' },
      { expoBackoff: 100 },
    );
    expect(reports).toEqual([`500 B1 aborted ${SHARD_B} unknown:false`]);
    expect(await sent).toBeInstanceOf(ProducerAbortedError);
    // Before, this close resolved: nothing told the caller it had not finished.
    const { counts, cause } = await timedOut(closed);
    expect(counts).toEqual({ timeoutMs: 500, failed: 1, deliveryUnknown: 0, delivered: 0, waitingPuts: 0 });
    expect(cause).toBeUndefined();
  });

  it('a call that never gets an answer: its items fail with deliveryUnknown, a put() waiting for room rejects', async () => {
    let closed: Promise<void> | undefined;
    const { reports, puts, fake, timers } = run(
      ['A1', 'A2'],
      (producer, at) => at(0, () => (closed = producer.close({ timeoutMs: 2_000 }))),
      // Answered after the producer's own deadline for a caller's client's calls (35 s): within
      // the close's deadline, none comes.
      { latencyMs: 1_000_000 },
      { maxQueueSize: 1 },
    );
    const closeOutcome = outcome(closed);
    expect(await puts).toEqual(['A1 accepted', 'A2 ProducerAbortedError']);
    expect(reports).toEqual([`2000 A1 aborted ${SHARD_A} unknown:true`]);
    expect(fake.calls.map((call) => call.time)).toEqual([0]);
    await closeOutcome;
    const { counts, cause } = await timedOut(closed);
    expect(counts).toEqual({ timeoutMs: 2_000, failed: 1, deliveryUnknown: 1, delivered: 0, waitingPuts: 1 });
    expect(cause).toBeInstanceOf(ProducerAbortedError);
    expect(timers.live).toBe(0);
  });

  it('a close that finishes first aborts nothing; timeoutMs: 0 aborts at the next turn of the scheduler', async () => {
    let closed: Promise<void> | undefined;
    const finished = run(
      ['A1', 'B2'],
      (producer, at) => at(0, () => (closed = producer.close({ timeoutMs: 1_000 }))),
      { latencyMs: 10 },
    );
    expect(finished.reports).toEqual([`10 A1 delivered ${SHARD_A}`, `10 B2 delivered ${SHARD_B}`]);
    await expect(closed).resolves.toBeUndefined();
    expect(finished.warnings).toEqual([]);

    let zero: Promise<void> | undefined;
    const aborted = run(['A1'], (producer, at) => at(7, () => (zero = producer.close({ timeoutMs: 0 }))), {
      latencyMs: 10,
    });
    // Sent at 5 (bufferTime), in flight at 7.
    expect(aborted.reports).toEqual([`7 A1 aborted ${SHARD_A} unknown:true`]);
    const { counts, cause } = await timedOut(zero);
    expect(counts).toEqual({ timeoutMs: 0, failed: 1, deliveryUnknown: 1, delivered: 0, waitingPuts: 0 });
    expect(cause).toBeInstanceOf(ProducerAbortedError);
  });

  it('the earlier deadline rules; a later close() returns the same promise; Infinity sets none', async () => {
    const closes: Promise<void>[] = [];
    const earlier = run(
      ['A1'],
      (producer, at) => {
        at(20, () => closes.push(producer.close({ timeoutMs: 5_000 })));
        at(50, () => closes.push(producer.close({ timeoutMs: 100 })));
        at(60, () => closes.push(producer.close({ timeoutMs: 10 })));
        at(70, () => closes.push(producer.close()));
      },
      { latencyMs: 10 },
      { afterFlush: never },
    );
    // The deadline is 70 (60 + 10): the earliest of 5020, 150 and 70.
    expect(earlier.reports).toEqual([`70 A1 delivered ${SHARD_A}`]);
    expect(closes[1]).toBe(closes[0]);
    expect(closes[2]).toBe(closes[0]);
    const { counts } = await timedOut(closes[0]);
    expect(counts).toEqual({ timeoutMs: 10, failed: 0, deliveryUnknown: 0, delivered: 1, waitingPuts: 0 });
    // The close() at 70 came before the deadline passed: the same promise.
    expect(closes[3]).toBe(closes[0]);

    let unbounded: Promise<void> | undefined;
    const forever = run(
      ['A1'],
      (producer, at) => at(20, () => (unbounded = producer.close({ timeoutMs: Infinity }))),
      { latencyMs: 10 },
      { afterFlush: never },
    );
    // Virtual time ran out with the close still waiting for afterFlush: no deadline was set.
    expect(forever.reports).toEqual([]);
    await forever.producer.close({ abort: true });
    await expect(unbounded).resolves.toBeUndefined();
    expect(forever.reports).toEqual([expect.stringMatching(/^\d+ A1 delivered /)]);
  });

  it('rejects an invalid timeoutMs, or one with abort: true, at once, leaving the producer open', async () => {
    const errors: Error[] = [];
    const { reports, producer } = run(
      ['A1'],
      (producer) => {
        const close = producer.close.bind(producer) as (options?: unknown) => Promise<void>;
        const invalid = [-1, Number.NaN, -Infinity, 2 ** 31, '100', null];
        for (const timeoutMs of invalid) close({ timeoutMs }).catch((error: Error) => errors.push(error));
        close({ abort: true, timeoutMs: 100 }).catch((error: Error) => errors.push(error));
      },
      { latencyMs: 10 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map((error) => error.name)).toEqual(Array(7).fill('InvalidOptionError'));
    for (const error of errors) expect(error.message).toContain('close.timeoutMs');
    expect(errors[6]!.message).toContain('abort: true');
    expect(reports).toEqual([`15 A1 delivered ${SHARD_A}`]);
    await expect(producer.close({ abort: false, timeoutMs: 0 })).resolves.toBeUndefined();
  });
});
