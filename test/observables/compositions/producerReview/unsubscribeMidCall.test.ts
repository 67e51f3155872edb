// Leaving toKinesis() while a PutRecords call is in flight (every request to the local Kinesis is
// held LATENCY_MS): with flushOnUnsubscribe: false nothing of the producer is left (its timers, its
// client's sockets) long before the held answer would come; by default the accepted items are still
// delivered, once, and then nothing is left either. switchMap() and take(n) leave the same way.
import { Subject, Subscription, switchMap, take, from, concat, NEVER, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import type { DeliveredReport, DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import type { ToKinesisOptions } from '../../../../src/producer/ToKinesisOptions.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';
import { CountingScheduler } from './support/countingScheduler.js';
import { eventually, socketsTo, waitFor } from './support/activeSockets.js';

const LATENCY_MS = 3_000;
/** A bufferTime no other timer of the producer has: its timer running means a call was sent. */
const BUFFER_TIME = 77;

const kinesis = useTestKinesis({ faults: { latencyMs: LATENCY_MS } });

interface Run {
  readonly options: ToKinesisOptions<number>;
  readonly scheduler: CountingScheduler;
  /** Items whose delivery afterFlush saw (it runs whether or not anyone still listens). */
  readonly stored: DeliveredReport<number>[];
  /** True once the engine stopped (its metrics completed). */
  disposed(): boolean;
  /** True once a PutRecords call was sent (the first bufferTime timer ran). */
  sent(): boolean;
}

function newRun(streamName: string, flushOnUnsubscribe = true): Run {
  const scheduler = new CountingScheduler();
  const stored: DeliveredReport<number>[] = [];
  let disposed = false;
  return {
    scheduler,
    stored,
    disposed: () => disposed,
    sent: () => scheduler.ran.includes(BUFFER_TIME),
    options: {
      streamName,
      // The producer's own client, so that stopping it also closes its sockets.
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      partitionKey: (item) => `k${item % 5}`,
      bufferTime: BUFFER_TIME,
      scheduler,
      flushOnUnsubscribe,
      afterFlush: ({ delivered }) => {
        stored.push(...delivered);
      },
      metricsObserver: { complete: () => (disposed = true) },
    },
  };
}

function indexesOf(reports: readonly DeliveryReport<number>[]): number[] {
  return reports.map((report) => report.item).sort((a, b) => a - b);
}

function ids(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

describe('leaving toKinesis() while a PutRecords call is in flight', () => {
  let streamName: string;
  beforeAll(async () => {
    streamName = uniqueStreamName('midcall');
    await kinesis.createStream(streamName, 2);
  });

  it('flushOnUnsubscribe: false stops at once: no timer, no socket left, the held answer changes nothing', async () => {
    const run = newRun(streamName, false);
    const port = Number(new URL(kinesis.endpoint).port);
    const source = new Subject<number>();
    const seen: DeliveryReport<number>[] = [];
    const subscription = source.pipe(toKinesis(run.options)).subscribe((report) => seen.push(report));
    for (const id of ids(0, 20)) source.next(id);
    // First ListShards (held LATENCY_MS), then the bufferTime timer sends the call.
    await waitFor(run.sent, 4 * LATENCY_MS, 'the PutRecords call');
    await waitFor(() => socketsTo(port) > 0, LATENCY_MS / 2, 'the call’s connection');
    subscription.unsubscribe();
    expect(run.disposed()).toBe(true);
    expect(run.scheduler.live).toBe(0);
    expect(source.observed).toBe(false);
    // The call is aborted and the client destroyed: its socket closes long before the answer.
    expect(await eventually(() => socketsTo(port) === 0, LATENCY_MS / 2)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    expect(seen).toEqual([]);
    expect(run.stored).toEqual([]);
    expect(run.scheduler.live).toBe(0);
  });

  it('by default the accepted items are still delivered, each once; then nothing is left', async () => {
    const run = newRun(streamName);
    const port = Number(new URL(kinesis.endpoint).port);
    const source = new Subject<number>();
    const subscription = source.pipe(toKinesis(run.options)).subscribe();
    for (const id of ids(100, 20)) source.next(id);
    await waitFor(run.sent, 4 * LATENCY_MS, 'the PutRecords call');
    // More items while the call is in flight: accepted, then delivered by the flush.
    for (const id of ids(120, 20)) source.next(id);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    expect(run.disposed()).toBe(false);
    await waitFor(run.disposed, 6 * LATENCY_MS, 'the flush after unsubscribe');
    expect(indexesOf(run.stored)).toEqual(ids(100, 40));
    expect(run.scheduler.live).toBe(0);
    expect(socketsTo(port)).toBe(0);
  });

  it('switchMap(): the inner switched away mid-call delivers what it accepted; the next inner reports its own', async () => {
    const runs = [newRun(streamName), newRun(streamName)];
    const port = Number(new URL(kinesis.endpoint).port);
    const batches = new Subject<number[]>();
    let inners = 0;
    const reports: DeliveryReport<number>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      batches
        .pipe(
          switchMap((batch) => {
            const run = runs[inners]!;
            inners += 1;
            // The first inner never completes by itself: it is only switched away.
            return concat(from(batch), inners === 1 ? NEVER : from([])).pipe(toKinesis(run.options));
          }),
        )
        .subscribe({ next: (report) => reports.push(report), error: reject, complete: resolve });
    });
    batches.next(ids(200, 30));
    await waitFor(runs[0]!.sent, 4 * LATENCY_MS, 'the first inner’s call');
    batches.next(ids(300, 30));
    batches.complete();
    await done;
    // The output completed with the second inner, after its every report.
    expect(indexesOf(reports)).toEqual(ids(300, 30));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    await waitFor(runs[0]!.disposed, 6 * LATENCY_MS, 'the switched-away inner’s flush');
    expect(indexesOf(runs[0]!.stored)).toEqual(ids(200, 30));
    expect(runs[1]!.disposed()).toBe(true);
    expect(runs.map((run) => run.scheduler.live)).toEqual([0, 0]);
    expect(await eventually(() => socketsTo(port) === 0, LATENCY_MS / 2)).toBe(true);
  });

  it('take(n) on the reports: the rest of what was accepted is delivered once, the source is left', async () => {
    const run = newRun(streamName);
    const source = new Subject<number>();
    const first = lastValueFrom(source.pipe(toKinesis(run.options), take(3), toArray()));
    for (const id of ids(400, 50)) source.next(id);
    const taken = await first;
    expect(taken).toHaveLength(3);
    expect(source.observed).toBe(false);
    source.next(999); // nobody takes it
    await waitFor(run.disposed, 6 * LATENCY_MS, 'the flush after take(3)');
    expect(indexesOf(run.stored)).toEqual(ids(400, 50));
    expect(run.scheduler.live).toBe(0);
    expect(
      await eventually(() => socketsTo(Number(new URL(kinesis.endpoint).port)) === 0, LATENCY_MS / 2),
    ).toBe(true);
  });

  it('a Subscription holding several toKinesis(): unsubscribing it mid-call stops each, every accepted item delivered once', async () => {
    const runs = [newRun(streamName), newRun(streamName), newRun(streamName)];
    const source = new Subject<number>();
    const all = new Subscription();
    for (const run of runs) all.add(source.pipe(toKinesis(run.options)).subscribe());
    for (const id of ids(500, 10)) source.next(id);
    await waitFor(() => runs.every((run) => run.sent()), 4 * LATENCY_MS, 'every producer’s call');
    all.unsubscribe();
    await waitFor(() => runs.every((run) => run.disposed()), 6 * LATENCY_MS, 'every flush');
    for (const run of runs) expect(indexesOf(run.stored)).toEqual(ids(500, 10));
    expect(runs.map((run) => run.scheduler.live)).toEqual([0, 0, 0]);
    expect(
      await eventually(() => socketsTo(Number(new URL(kinesis.endpoint).port)) === 0, LATENCY_MS / 2),
    ).toBe(true);
  });
});
