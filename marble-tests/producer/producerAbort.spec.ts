// Producer.close({ abort: true }) in virtual time: every item accepted and not settled (in a call
// in flight, in back-off, released and waiting for a call slot, in an open record, waiting for the
// first shard map, delivered and waiting for afterFlush) gets exactly one report at the abort, no
// call is made after it, a late answer changes nothing, and no timer of the producer is left.
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { jsonLineProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerOptions } from '../../src/producer/ProducerOptions.js';
import { CountingTimers } from './support/countingTimers.js';
import { connectionReset, FakeKinesis } from './support/fakeKinesis.js';

const SHARD_A = 'shardId-000000000000';
const SHARD_B = 'shardId-000000000001';
/** Items named B... go to the second of two shards, the others to the first. */
const hashKey = (item: string) => (item.startsWith('B') ? String(2n ** 127n + 1n) : '1');

interface Outcome {
  readonly at: number;
  readonly item: string;
  readonly status: string;
  readonly shardId?: string | undefined;
  readonly deliveryUnknown?: boolean;
}

function describeReport(at: number, report: DeliveryReport<string>): Outcome {
  if (report.status === 'delivered')
    return { at, item: report.item, status: 'delivered', shardId: report.shardId };
  const error = report.error;
  if (!(error instanceof ProducerAbortedError)) return { at, item: report.item, status: error.name };
  return {
    at,
    item: report.item,
    status: 'aborted',
    shardId: error.context.shardId,
    deliveryUnknown: error.deliveryUnknown,
  };
}

const byItem = (a: Outcome, b: Outcome) => a.item.localeCompare(b.item);

function setup(scheduler: TestScheduler, fake: FakeKinesis, options: Partial<ProducerOptions<string>> = {}) {
  const timers = new CountingTimers(scheduler);
  const producer = new Producer<string>({
    streamName: 'orders',
    client: fake.client,
    processor: jsonLineProcessor<string>(),
    partitionKey: 'k',
    explicitHashKey: hashKey,
    scheduler: timers,
    bufferTime: 5,
    maxInFlightRequests: 1,
    expoBackoff: 10_000,
    random: () => 0.99,
    ...options,
  });
  const reports: Outcome[] = [];
  producer.reports$.subscribe((report) => reports.push(describeReport(scheduler.now(), report)));
  return { producer, timers, reports };
}

describe('Producer.close({ abort: true }) in virtual time', () => {
  it('reports every unsettled item once, in flight, in back-off, waiting and open; nothing after', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let fake!: FakeKinesis;
    let run!: ReturnType<typeof setup>;
    let closed: Promise<void> | undefined;
    let liveAfterAbort = -1;
    const putErrors: unknown[] = [];
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {
        shards: 2,
        latencyMs: 100,
        entryFault: ({ data, attempt }) =>
          data.startsWith('"Bt"') && attempt === 1 ? 'ProvisionedThroughputExceededException' : undefined,
      });
      run = setup(scheduler, fake);
      const { producer } = run;
      const put = (item: string) => producer.put(item).catch((error: unknown) => putErrors.push(error));
      // Call 0 at 5: A1 stored, Bt throttled (back-off ~9.9 s), answered at 105.
      void put('A1');
      void put('Bt');
      // Call 1 at 115, in flight until 215.
      scheduler.schedule(() => void put('A2'), 110);
      // Released at 125, waiting for the call slot (A3); B4's lane waits for Bt's back-off, so its
      // record stays open; A5 at 130 in the lane's open record.
      scheduler.schedule(() => {
        void put('A3');
        void put('B4');
      }, 120);
      scheduler.schedule(() => void put('A5'), 130);
      scheduler.schedule(() => {
        closed = producer.close({ abort: true });
        liveAfterAbort = run.timers.live;
      }, 132);
    });
    await expect(closed).resolves.toBeUndefined();
    expect(putErrors).toEqual([]);
    expect(run.reports.sort(byItem)).toEqual([
      { at: 105, item: 'A1', status: 'delivered', shardId: SHARD_A },
      { at: 132, item: 'A2', status: 'aborted', shardId: SHARD_A, deliveryUnknown: true },
      { at: 132, item: 'A3', status: 'aborted', shardId: SHARD_A, deliveryUnknown: false },
      { at: 132, item: 'A5', status: 'aborted', shardId: SHARD_A, deliveryUnknown: false },
      { at: 132, item: 'B4', status: 'aborted', shardId: SHARD_B, deliveryUnknown: false },
      { at: 132, item: 'Bt', status: 'aborted', shardId: SHARD_B, deliveryUnknown: false },
    ]);
    // No call after the abort (the answer of call 1 at 215 changed nothing), no timer left.
    expect(fake.calls.map((call) => call.time)).toEqual([5, 115]);
    expect(liveAfterAbort).toBe(0);
    expect(run.producer.queuedItems).toBe(0);
    expect(run.producer.metrics().totals.failures).toBe(5);
  });

  it('fails the items waiting for the first shard map (no shard) and put() calls waiting for room', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let run!: ReturnType<typeof setup>;
    let closed: Promise<void> | undefined;
    const putOutcomes: string[] = [];
    let sent: Promise<unknown> | undefined;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { listLatencyMs: 1_000 });
      run = setup(scheduler, fake, { maxQueueSize: 2 });
      const { producer } = run;
      for (const item of ['A1', 'A2', 'A3', 'A4']) {
        producer.put(item).then(
          () => putOutcomes.push(`${item} accepted`),
          (error: RxjsKinesisError) => putOutcomes.push(`${item} ${error.name} ${error.retriable}`),
        );
      }
      sent = producer.send('A5');
      scheduler.schedule(() => {
        closed = producer.close({ abort: true });
      }, 10);
    });
    await expect(closed).resolves.toBeUndefined();
    await expect(sent).rejects.toBeInstanceOf(ProducerAbortedError);
    // Two accepted (the queue's bound), two put() calls and a send() waiting for room: refused.
    expect(putOutcomes.sort()).toEqual([
      'A1 accepted',
      'A2 accepted',
      'A3 ProducerAbortedError true',
      'A4 ProducerAbortedError true',
    ]);
    expect(run.reports.sort(byItem)).toEqual([
      { at: 10, item: 'A1', status: 'aborted', shardId: undefined, deliveryUnknown: false },
      { at: 10, item: 'A2', status: 'aborted', shardId: undefined, deliveryUnknown: false },
    ]);
    expect(run.timers.live).toBe(0);
    await expect(run.producer.put('late')).rejects.toThrow('The producer is closed');
  });

  it('deliveryUnknown for items in back-off after an attempt that got no answer', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let fake!: FakeKinesis;
    let run!: ReturnType<typeof setup>;
    let closed: Promise<void> | undefined;
    scheduler.run(() => {
      // Call 0 (at 5) loses its connection at 15: its records wait for a re-send, possibly stored.
      fake = new FakeKinesis(scheduler, {
        requestFault: (call) => (call === 0 ? connectionReset() : undefined),
      });
      run = setup(scheduler, fake);
      void run.producer.put('A1');
      scheduler.schedule(() => void run.producer.put('A2'), 20);
      scheduler.schedule(() => {
        closed = run.producer.close({ abort: true });
      }, 22);
    });
    await expect(closed).resolves.toBeUndefined();
    expect(fake.calls.map((call) => call.time)).toEqual([5]);
    expect(run.reports.sort(byItem)).toEqual([
      { at: 22, item: 'A1', status: 'aborted', shardId: SHARD_A, deliveryUnknown: true },
      { at: 22, item: 'A2', status: 'aborted', shardId: SHARD_A, deliveryUnknown: false },
    ]);
  });

  it('reports delivered the items of a call whose afterFlush has not finished', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let run!: ReturnType<typeof setup>;
    let closed: Promise<void> | undefined;
    const afterFlushDone = new Subject<void>();
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      run = setup(scheduler, fake, {
        afterFlush: () =>
          new Promise<void>((resolve) => afterFlushDone.subscribe({ complete: () => resolve() })),
      });
      void run.producer.put('A1');
      scheduler.schedule(() => {
        closed = run.producer.close({ abort: true });
      }, 50);
    });
    await expect(closed).resolves.toBeUndefined();
    expect(run.reports).toEqual([{ at: 50, item: 'A1', status: 'delivered', shardId: SHARD_A }]);
    // afterFlush finishing later reports nothing more.
    afterFlushDone.complete();
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.reports).toHaveLength(1);
  });

  it('close() then close({ abort: true }): the abort ends the flush; close() rejects, the abort resolves', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let fake!: FakeKinesis;
    let run!: ReturnType<typeof setup>;
    let graceful: Promise<void> | undefined;
    let aborted: Promise<void> | undefined;
    let again: Promise<void> | undefined;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {
        shards: 2,
        latencyMs: 10,
        entryFault: ({ data }) =>
          data.startsWith('"B2"') ? 'ProvisionedThroughputExceededException' : undefined,
      });
      // A retry limit, so that without the abort the graceful close ends too (in failure).
      run = setup(scheduler, fake, { retryLimit: 3 });
      void run.producer.put('A1');
      void run.producer.put('B2');
      // The graceful close sends at once: A1 stored at 10, B2 throttled again and again.
      graceful = run.producer.close();
      scheduler.schedule(() => {
        aborted = run.producer.close({ abort: true });
        again = run.producer.close();
      }, 100);
    });
    const gracefulError = await graceful!.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(gracefulError).toBeInstanceOf(ProducerAbortedError);
    expect((gracefulError as ProducerAbortedError).items.map((entry) => entry.item)).toEqual(['B2']);
    await expect(aborted).resolves.toBeUndefined();
    expect(again).toBe(aborted);
    expect(run.reports.map((report) => `${report.item} ${report.status}`).sort()).toEqual([
      'A1 delivered',
      'B2 aborted',
    ]);
    expect(fake.calls.every((call) => call.time < 100)).toBe(true);
    expect(run.timers.live).toBe(0);
  });

  it('close({ abort: true }) twice, and after a graceful close() has finished: nothing more happens', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let run!: ReturnType<typeof setup>;
    const closes: Promise<void>[] = [];
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      run = setup(scheduler, fake);
      void run.producer.put('A1');
      closes.push(run.producer.close());
      scheduler.schedule(() => {
        closes.push(run.producer.close({ abort: true }));
        closes.push(run.producer.close({ abort: true }));
      }, 100);
    });
    await expect(Promise.all(closes)).resolves.toEqual([undefined, undefined, undefined]);
    expect(closes[1]).toBe(closes[2]);
    expect(run.reports.map((report) => `${report.item} ${report.status}`)).toEqual(['A1 delivered']);
  });

  it('rejects invalid close options at once, leaving the producer open', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let run!: ReturnType<typeof setup>;
    const errors: unknown[] = [];
    scheduler.run(() => {
      run = setup(scheduler, new FakeKinesis(scheduler));
      const close = run.producer.close.bind(run.producer) as (options?: unknown) => Promise<void>;
      for (const options of [{ abort: 'yes' }, { abrot: true }, null, true, []]) {
        close(options).catch((error: unknown) => errors.push(error));
      }
      void run.producer.put('A1');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map((error) => (error as Error).name)).toEqual(Array(5).fill('InvalidOptionError'));
    expect((errors[0] as Error).message).toContain('close.abort');
    expect((errors[1] as Error).message).toContain('close.abrot');
    expect(run.reports.map((report) => `${report.item} ${report.status}`)).toEqual(['A1 delivered']);
    await run.producer.close({ abort: false });
  });
});
