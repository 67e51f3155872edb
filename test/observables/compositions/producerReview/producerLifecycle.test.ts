// Producer as callers drive it: close() while put() calls wait, reports$ subscribed late or left
// early, flush() side by side with put(), and afterFlush failing on the last call before close().
import { Subject, take, toArray, firstValueFrom, lastValueFrom } from 'rxjs';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { AfterFlushError } from '../../../../src/producer/errors/AfterFlushError.js';
import { ProducerClosedError } from '../../../../src/producer/errors/ProducerClosedError.js';
import { Producer } from '../../../../src/producer/Producer.js';
import { readStream } from '../../../producer/support/readStream.js';
import { CountingScheduler } from './support/countingScheduler.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe('Producer lifecycle', () => {
  let streamName: string;
  beforeEach(async () => {
    streamName = uniqueStreamName('prodlife');
    await kinesis.createStream(streamName, 1);
  });

  it('close() rejects with AfterFlushError when afterFlush rejects on the last call it waits for', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 10,
      afterFlush: () => Promise.reject(new Error('sink down')),
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of range(0, 3)) await producer.put(id);
    const closed = await producer.close().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    client.destroy();
    // The items were stored and reported delivered; the failure is not lost.
    expect(reports.map((report) => report.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(closed).toBeInstanceOf(AfterFlushError);
  });

  it('flush() rejects with AfterFlushError when afterFlush throws on the call it waits for', async () => {
    const client = kinesis.createClient();
    let calls = 0;
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 10_000,
      afterFlush: () => {
        calls += 1;
        if (calls === 1) throw new Error('sink down');
      },
    });
    await producer.put(0);
    await expect(producer.flush()).rejects.toBeInstanceOf(AfterFlushError);
    // The failure is spent: a later flush of items whose afterFlush succeeds resolves.
    await producer.put(1);
    await expect(producer.flush()).resolves.toBeUndefined();
    await producer.close();
    client.destroy();
  });

  it('close() rejects with AfterFlushError when afterFlush returns a thenable whose then() throws', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 10,
      // A thenable of the caller's own, not a Promise: `await` would treat the throw as a rejection.
      afterFlush: () =>
        ({
          then: () => {
            throw new Error('sink down');
          },
        }) as PromiseLike<void>,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of range(0, 3)) await producer.put(id);
    // Generous on a loaded machine; without an answer the items would never settle at all.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      producer.close().then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('close() still waiting after 30 s'), 30_000);
      }),
    ]);
    clearTimeout(timer);
    if (typeof closed === 'string') await producer.close({ abort: true }).catch(() => undefined);
    client.destroy();
    expect(closed).toBeInstanceOf(AfterFlushError);
    expect(reports.map((report) => report.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('close() while put() calls wait for room: every one is accepted and reported, later ones refused', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 20,
      maxQueueSize: 10,
    });
    const reports: DeliveryReport<number>[] = [];
    let completed = false;
    producer.reports$.subscribe({
      next: (report) => reports.push(report),
      complete: () => (completed = true),
    });
    const puts = range(0, 100).map((id) => producer.put(id));
    const closing = producer.close();
    // close() twice: the same promise, one flush.
    expect(producer.close()).toBe(closing);
    const refused = producer.put(100).then(
      () => undefined,
      (error: unknown) => error,
    );
    await closing;
    expect(await Promise.all(puts)).toEqual(range(0, 100));
    expect(await refused).toBeInstanceOf(ProducerClosedError);
    expect(completed).toBe(true);
    // flush() after close(): nothing pending, resolves.
    await expect(producer.flush()).resolves.toBeUndefined();
    const indexes = reports.map((report) => report.index).sort((a, b) => a - b);
    expect(indexes).toEqual(range(0, 100));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    const stored = await readStream(client, streamName, 100);
    client.destroy();
    expect(stored.map((record) => Number(record.data)).sort((a, b) => a - b)).toEqual(range(0, 100));
  });

  it('reports$ subscribed late sees only later reports; one left early stops; send() and close() do not depend on either', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, partitionKey: 'k', bufferTime: 10 });
    // Left after 5 reports.
    const early = lastValueFrom(producer.reports$.pipe(take(5), toArray()));
    for (const id of range(0, 20)) await producer.put(id);
    await producer.flush();
    const late: DeliveryReport<number>[] = [];
    let lateCompleted = false;
    producer.reports$.subscribe({
      next: (report) => late.push(report),
      complete: () => (lateCompleted = true),
    });
    const sent = await producer.send(20);
    expect(sent.status).toBe('delivered');
    expect(sent.index).toBe(20);
    await producer.close();
    expect(await early).toHaveLength(5);
    expect(late.map((report) => report.index)).toEqual([20]);
    expect(lateCompleted).toBe(true);
    // A subscriber after close() completes at once.
    await expect(firstValueFrom(producer.reports$, { defaultValue: 'none' })).resolves.toBe('none');
    client.destroy();
  });

  it('flush() calls side by side with put() calls: each resolves once the items put before it are reported', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, partitionKey: 'k', bufferTime: 5_000 });
    const reported = new Set<number>();
    producer.reports$.subscribe((report) => reported.add(report.index));
    const checks: Promise<void>[] = [];
    for (const id of range(0, 60)) {
      void producer.put(id);
      if (id % 10 === 9) {
        const upTo = id;
        checks.push(
          producer.flush().then(() => {
            for (const index of range(0, upTo + 1)) expect(reported.has(index)).toBe(true);
          }),
        );
      }
    }
    await Promise.all(checks);
    await producer.close();
    client.destroy();
    expect(reported.size).toBe(60);
  });

  it('a put() from a flushOn Subject emission after close() is refused, not written', async () => {
    const client = kinesis.createClient();
    const flushOn = new Subject<void>();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 10_000,
      flushOn,
    });
    await producer.put(0);
    flushOn.next();
    await producer.close();
    expect(flushOn.observed).toBe(false);
    await expect(producer.put(1)).rejects.toBeInstanceOf(ProducerClosedError);
    const stored = await readStream(client, streamName, 1);
    client.destroy();
    expect(stored.map((record) => record.data)).toEqual(['0']);
  });

  it('an idle Producer holds no timer between flushes; close() before the shard map came leaves nothing', async () => {
    const client = kinesis.createClient();
    const scheduler = new CountingScheduler();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: 'k',
      bufferTime: 50,
      scheduler,
    });
    for (const id of range(0, 10)) await producer.put(id);
    await producer.flush();
    // Nothing pending: no bufferTime, wake or retry timer waits (a process could exit).
    expect(scheduler.live).toBe(0);
    await producer.close();
    expect(scheduler.live).toBe(0);

    const early = new CountingScheduler();
    const closedAtOnce = new Producer<number>({ streamName, client, partitionKey: 'k', scheduler: early });
    await closedAtOnce.close();
    expect(early.live).toBe(0);
    await expect(closedAtOnce.put(1)).rejects.toBeInstanceOf(ProducerClosedError);
    client.destroy();
  });
});
