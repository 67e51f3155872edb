// A stream deleted while a producer writes to it: every item accepted before gets its one report
// (delivered while the stream was there), every later one fails on its own with a typed error
// naming the stream, and the output completes (toKinesis, onFailure 'emit') or send() rejects
// (Producer), with nothing thrown out of the pipeline.
import { Subject, lastValueFrom, tap, toArray } from 'rxjs';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../../src/producer/errors/DeliveryFailedError.js';
import { StreamNotFoundError } from '../../../src/kinesis/errors/StreamNotFoundError.js';
import { Producer } from '../../../src/producer/Producer.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

function expectStreamGone(error: unknown, streamName: string): void {
  expect(error).toBeInstanceOf(DeliveryFailedError);
  const failure = error as DeliveryFailedError;
  expect(failure.cause).toBeInstanceOf(StreamNotFoundError);
  expect(failure.context.streamName).toBe(streamName);
  expect(failure.retriable).toBe(false);
}

const ids = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

describe('the stream is deleted mid-run', () => {
  it('toKinesis(onFailure: emit): one report per item; those after the deletion fail naming the stream', async () => {
    const streamName = uniqueStreamName('deleted');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const source = new Subject<number>();
    let reported = 0;
    let firstTen!: () => void;
    const firstTenReported = new Promise<void>((resolve) => (firstTen = resolve));
    const done = lastValueFrom(
      source.pipe(
        toKinesis<number>({
          streamName,
          client,
          partitionKey: (id) => `k${id}`,
          bufferTime: 10,
          onFailure: 'emit',
        }),
        tap(() => {
          reported += 1;
          if (reported === 10) firstTen();
        }),
        toArray(),
      ),
    );
    for (const id of ids(0, 10)) source.next(id);
    await firstTenReported;
    await kinesis.deleteStream(streamName);
    for (const id of ids(10, 10)) source.next(id);
    source.complete();
    const reports = await done;
    client.destroy();
    const byIndex = [...reports].sort((a, b) => a.index - b.index);
    expect(byIndex.map((report) => report.index)).toEqual(ids(0, 20));
    expect(byIndex.slice(0, 10).map((report) => report.status)).toEqual(Array(10).fill('delivered'));
    for (const report of byIndex.slice(10)) {
      expect(report.status).toBe('failed');
      if (report.status === 'failed') expectStreamGone(report.error, streamName);
    }
  });

  it('Producer: send() after the deletion rejects naming the stream; close() rejects with the first put() failure', async () => {
    const streamName = uniqueStreamName('deleted');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, bufferTime: 10 });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    await expect(producer.send(0)).resolves.toMatchObject({ status: 'delivered', index: 0 });
    await kinesis.deleteStream(streamName);
    const sent = producer.send(1).catch((error: unknown) => error);
    await producer.put(2);
    const closed = producer.close().catch((error: unknown) => error);
    expectStreamGone(await sent, streamName);
    expectStreamGone(await closed, streamName);
    // One error for the items of the call it refused: it names them.
    expect(((await closed) as DeliveryFailedError).items.map((entry) => entry.index)).toContain(2);
    client.destroy();
    expect(reports.map((report) => `${report.index} ${report.status}`).sort()).toEqual([
      '0 delivered',
      '1 failed',
      '2 failed',
    ]);
  });
});
