// The flushOn option: each emission sends what was accepted at once instead of waiting for
// bufferTime (the browser entry passes the page's hide events), for the operator and Producer.
import { NEVER, Subject, firstValueFrom, take, throwError, toArray } from 'rxjs';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(120_000);

const LONG_BUFFER_MS = 600_000;

describe('flushOn', () => {
  const kinesis = useTestKinesis();

  /** Resolves once `reports` holds `count` reports. */
  const reportsReach = <T>(reports: DeliveryReport<T>[], count: number) =>
    new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (reports.length >= count) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });

  it('toKinesis(): sends buffered items when flushOn emits, long before bufferTime, and goes on', async () => {
    const streamName = uniqueStreamName('flushOn');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const items = new Subject<number>();
    const flush = new Subject<void>();
    const reports: DeliveryReport<number>[] = [];
    const completed = new Promise<void>((resolve, reject) =>
      items
        .pipe(toKinesis<number>({ streamName, client, bufferTime: LONG_BUFFER_MS, flushOn: flush }))
        .subscribe({ next: (report) => reports.push(report), error: reject, complete: resolve }),
    );
    for (let i = 0; i < 5; i += 1) items.next(i);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reports).toHaveLength(0);
    flush.next();
    await reportsReach(reports, 5);
    for (let i = 5; i < 8; i += 1) items.next(i);
    flush.next();
    await reportsReach(reports, 8);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(reports.map((report) => report.item).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(flush.observed).toBe(true);
    items.complete();
    await completed;
    expect(flush.observed).toBe(false);
    client.destroy();
  });

  it('toKinesis(): an error of flushOn ends the output as a source error does', async () => {
    const client = kinesis.createClient();
    const failure = new Error('page listener failed');
    const output = NEVER.pipe(
      toKinesis<number>({
        streamName: uniqueStreamName('flushOnError'),
        client,
        flushOn: throwError(() => failure),
      }),
    );
    await expect(firstValueFrom(output)).rejects.toBe(failure);
    client.destroy();
  });

  it('refuses a flushOn that is not an Observable', () => {
    expect(() => toKinesis<number>({ streamName: 's', flushOn: 'soon' as never })).toThrow(
      InvalidOptionError,
    );
    expect(() => new Producer<number>({ streamName: 's', flushOn: {} as never })).toThrow(InvalidOptionError);
  });

  it('Producer: put() items go out when flushOn emits; its error rejects the next flush()', async () => {
    const streamName = uniqueStreamName('producerFlushOn');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const flush = new Subject<void>();
    const producer = new Producer<number>({ streamName, client, bufferTime: LONG_BUFFER_MS, flushOn: flush });
    const delivered = firstValueFrom(producer.reports$.pipe(take(3), toArray()));
    for (let i = 0; i < 3; i += 1) await producer.put(i);
    flush.next();
    const reports = await delivered;
    expect(reports.map((report) => report.status)).toEqual(['delivered', 'delivered', 'delivered']);
    flush.error(new Error('listener gone'));
    await expect(producer.flush()).rejects.toBeInstanceOf(RxjsKinesisError);
    await producer.close();
    client.destroy();
  });
});
