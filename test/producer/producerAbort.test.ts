// Aborting a producer against the local Kinesis (every request held LATENCY_MS, 10 records/s per
// shard): items in a call in flight, in back-off after a throttled answer, released and waiting
// for the call slot, not yet released, and waiting for the first shard map each get exactly one
// report; put() calls waiting for room are refused; close() resolves with no timer or socket left,
// and no item reported as never stored is in the stream. close({ timeoutMs }) aborts at its
// deadline (an afterFlush that never settles) and cancels its timer when the close finishes first.
import { Subject } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { ProducerCloseTimeoutError } from '../../src/producer/errors/ProducerCloseTimeoutError.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import {
  eventually,
  socketsTo,
  waitFor,
} from '../observables/compositions/producerReview/support/activeSockets.js';
import { CountingScheduler } from '../observables/compositions/producerReview/support/countingScheduler.js';
import { readStream } from './support/readStream.js';

const LATENCY_MS = 1_500;
const SHARD = 'shardId-000000000000';

const kinesis = useTestKinesis({
  limits: { writeRecordsPerSecond: 10 },
  faults: { latencyMs: LATENCY_MS },
});

function ids(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

const noop = () => undefined;
const last = <V>(list: readonly V[]): V => list[list.length - 1]!;

function options(streamName: string, scheduler: CountingScheduler) {
  return {
    streamName,
    // The producer's own client, so that stopping it also closes its sockets.
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    partitionKey: (id: number) => `k${id}`,
    scheduler,
    // Nothing goes by bufferTime: only flushes (and a full queue) release records.
    bufferTime: 60_000,
    maxInFlightRequests: 1,
    // Above the local limit of 10 records/s: the local Kinesis throttles, and throttled entries
    // wait ~59 s for their retry.
    putRateLimitPerShard: 1_000,
    expoBackoff: 60_000,
    expoBackoffLimit: 60_000,
    random: () => 0.99,
  };
}

/** Reports by item: the item's one report, or a list when it has several. */
function byItem(reports: readonly DeliveryReport<number>[]): Map<number, DeliveryReport<number>[]> {
  const found = new Map<number, DeliveryReport<number>[]>();
  for (const report of reports) found.set(report.item, [...(found.get(report.item) ?? []), report]);
  return found;
}

function abortedError(report: DeliveryReport<number> | undefined): ProducerAbortedError | undefined {
  return report?.status === 'failed' && report.error instanceof ProducerAbortedError
    ? report.error
    : undefined;
}

describe('aborting a producer against the local Kinesis', () => {
  let streamName: string;
  const port = () => Number(new URL(kinesis.endpoint).port);

  beforeAll(async () => {
    streamName = uniqueStreamName('abort');
    await kinesis.createStream(streamName, 1);
  });

  it('Producer.close({ abort: true }): one report per accepted item in every state; nothing left', async () => {
    const scheduler = new CountingScheduler();
    const producer = new Producer<number>({ ...options(streamName, scheduler), maxQueueSize: 50 });
    const reports: DeliveryReport<number>[] = [];
    let completed = false;
    producer.reports$.subscribe({
      next: (report) => reports.push(report),
      complete: () => (completed = true),
    });

    // Call 0 once the shard map is in: about 10 stored, the others throttled into back-off.
    for (const id of ids(0, 30)) await producer.put(id);
    producer.flush().catch(noop);
    await waitFor(() => producer.metrics().totals.throttled > 0, 10 * LATENCY_MS, 'the throttled answer');
    const delivered0 = reports.filter((report) => report.status === 'delivered').length;
    expect(delivered0).toBeLessThan(30);

    // Call 1, in flight (held LATENCY_MS) at the abort.
    for (const id of ids(30, 5)) await producer.put(id);
    producer.flush().catch(noop);
    expect(producer.metrics().putRecordsCalls).toBe(2);
    // The queue's last room, then three put() calls waiting for room (the full queue releases what
    // waits, for a call slot that stays taken).
    const room = 50 - producer.queuedItems;
    const lastAccepted = 35 + room - 1;
    const puts = ids(35, room + 3).map((id) =>
      producer.put(id).then(
        () => 'accepted',
        (error: unknown) => error,
      ),
    );
    const accepted = ids(0, lastAccepted + 1);

    const closed = producer.close({ abort: true });
    // Every report is out when close() returns.
    expect(reports).toHaveLength(accepted.length);
    await expect(closed).resolves.toBeUndefined();
    expect(completed).toBe(true);

    const outcomes = await Promise.all(puts);
    expect(outcomes.slice(0, room)).toEqual(Array(room).fill('accepted'));
    for (const refused of outcomes.slice(room)) expect(refused).toBeInstanceOf(ProducerAbortedError);

    const reported = byItem(reports);
    expect([...reported.keys()].sort((a, b) => a - b)).toEqual(accepted);
    expect([...reported.values()].every((list) => list.length === 1)).toBe(true);
    const only = (id: number) => reported.get(id)![0]!;
    // The throttled items of call 0, in back-off: failed, never stored.
    const backOff = ids(0, 30).filter((id) => only(id).status !== 'delivered');
    expect(backOff).toHaveLength(30 - delivered0);
    for (const id of backOff) {
      expect(abortedError(only(id))?.deliveryUnknown).toBe(false);
      expect(abortedError(only(id))?.context).toMatchObject({ streamName, shardId: SHARD });
    }
    // Call 1's items: their delivery is unknown.
    for (const id of ids(30, 5)) expect(abortedError(only(id))?.deliveryUnknown).toBe(true);
    for (const id of ids(35, room)) expect(abortedError(only(id))?.deliveryUnknown).toBe(false);
    expect(abortedError(only(30))!.retriable).toBe(true);

    // Nothing of the producer is left: no timer, and its sockets close long before the held
    // answer of call 1 would come; that answer changes nothing.
    expect(scheduler.live).toBe(0);
    expect(producer.queuedItems).toBe(0);
    expect(await eventually(() => socketsTo(port()) === 0, LATENCY_MS)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS + 500));
    expect(reports).toHaveLength(accepted.length);
    expect(scheduler.live).toBe(0);

    // What was reported never stored is not in the stream.
    const client = kinesis.createClient();
    const stored = await readStream(client, streamName, delivered0);
    client.destroy();
    const storedIds = new Set(stored.map((record) => JSON.parse(record.data) as number));
    for (const report of reports) {
      if (report.status === 'delivered') expect(storedIds.has(report.item)).toBe(true);
      else if (abortedError(report)?.deliveryUnknown === false)
        expect(storedIds.has(report.item)).toBe(false);
    }
  });

  it('Producer.close({ abort: true }) before the first shard map: the items fail without a shard', async () => {
    const scheduler = new CountingScheduler();
    const producer = new Producer<number>(options(streamName, scheduler));
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of ids(100, 5)) await producer.put(id);
    // The first ListShards is held LATENCY_MS: the items wait for its shard map.
    await producer.close({ abort: true });
    expect(reports.map((report) => report.item)).toEqual(ids(100, 5));
    for (const report of reports) {
      const error = abortedError(report);
      expect(error?.deliveryUnknown).toBe(false);
      expect(error?.context).toEqual({ streamName });
    }
    expect(scheduler.live).toBe(0);
    expect(await eventually(() => socketsTo(port()) === 0, LATENCY_MS)).toBe(true);
  });

  it('Producer.close({ timeoutMs }) with an afterFlush that never settles: delivered at the deadline, close() rejects, nothing left', async () => {
    const scheduler = new CountingScheduler();
    let afterFlushCalls = 0;
    const producer = new Producer<number>({
      ...options(streamName, scheduler),
      afterFlush: () => {
        afterFlushCalls += 1;
        return new Promise<void>(() => undefined);
      },
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of ids(300, 3)) await producer.put(id);
    producer.flush().catch(noop);
    await waitFor(() => afterFlushCalls > 0, 10 * LATENCY_MS, 'afterFlush');
    // Stored, and held by afterFlush: a close without a deadline would wait for ever.
    expect(reports).toEqual([]);
    // Every item delivered, yet the close did not finish in time: it says so.
    const closed = await producer.close({ timeoutMs: 200 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(closed).toBeInstanceOf(ProducerCloseTimeoutError);
    expect(closed).toMatchObject({ timeoutMs: 200, delivered: 3, failed: 0, waitingPuts: 0 });
    expect(scheduler.ran).toContain(200);
    expect(reports.map((report) => `${report.item} ${report.status}`)).toEqual([
      '300 delivered',
      '301 delivered',
      '302 delivered',
    ]);
    expect(scheduler.live).toBe(0);
    expect(await eventually(() => socketsTo(port()) === 0, LATENCY_MS)).toBe(true);
  });

  it('Producer.close({ timeoutMs }) that finishes first cancels its timer', async () => {
    const scheduler = new CountingScheduler();
    const producer = new Producer<number>(options(streamName, scheduler));
    for (const id of ids(400, 2)) await producer.put(id);
    await producer.close({ timeoutMs: 600_000 });
    expect(scheduler.live).toBe(0);
    expect(scheduler.ran).not.toContain(600_000);
  });

  it('toKinesis() with flushOnUnsubscribe: false aborts: the items count as failed, nothing left', async () => {
    const scheduler = new CountingScheduler();
    const snapshots: ProducerMetricsSnapshot[] = [];
    let stopped = false;
    const source = new Subject<number>();
    const seen: DeliveryReport<number>[] = [];
    const subscription = source
      .pipe(
        toKinesis<number>({
          ...options(streamName, scheduler),
          flushOnUnsubscribe: false,
          bufferTime: 50,
          onFailure: 'emit',
          metricsObserver: { next: (snapshot) => snapshots.push(snapshot), complete: () => (stopped = true) },
        }),
      )
      .subscribe((report) => seen.push(report));
    for (const id of ids(200, 30)) source.next(id);
    await waitFor(
      () => snapshots.some((snapshot) => snapshot.totals.throttled > 0),
      10 * LATENCY_MS,
      'throttling',
    );
    for (const id of ids(230, 5)) source.next(id);
    // Call 1 goes at the second bufferTime (the call slot is free again): in flight at the abort.
    await waitFor(() => scheduler.ran.filter((delay) => delay === 50).length >= 2, 4 * LATENCY_MS, 'call 1');
    const delivered = seen.filter((report) => report.status === 'delivered').length;
    subscription.unsubscribe();
    expect(stopped).toBe(true);
    // Every item not delivered counted as failed (none silently dropped), none emitted after.
    expect(last(snapshots).totals.failures).toBe(35 - delivered);
    expect(last(snapshots).queue).toEqual({ items: 0, bytes: 0 });
    expect(seen).toHaveLength(delivered);
    expect(scheduler.live).toBe(0);
    expect(await eventually(() => socketsTo(port()) === 0, LATENCY_MS)).toBe(true);
  });
});
