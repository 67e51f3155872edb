// toKinesis() under the operators users wrap it in: retry(), repeat(), shareReplay(), a report
// subscriber that feeds the source (re-entrant), and synchronous sources far larger than the queue
// (bounded in items and in bytes, whatever the overflow policy).
import {
  Subject,
  concat,
  defer,
  from,
  lastValueFrom,
  map,
  range,
  repeat,
  retry,
  shareReplay,
  throwError,
  toArray,
} from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { jsonLineProcessor } from '../../../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { QueueFullError } from '../../../../src/producer/errors/QueueFullError.js';
import type { ToKinesisOptions } from '../../../../src/producer/ToKinesisOptions.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

function ids(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('toKinesis() under other operators', () => {
  let streamName: string;
  let client: ReturnType<typeof kinesis.createClient>;
  beforeEach(async () => {
    streamName = uniqueStreamName('opcompose');
    await kinesis.createStream(streamName, 2);
    client = kinesis.createClient();
  });
  afterEach(() => client.destroy());

  const options = (): ToKinesisOptions<number> => ({
    streamName,
    client,
    partitionKey: (id) => `k${id % 11}`,
    bufferTime: 10,
  });

  async function storedIds(expected: number): Promise<number[]> {
    const records = await readStream(client, streamName, expected);
    return sorted(records.map((record) => Number(record.data)));
  }

  it('retry(2) around a source that fails twice: each attempt reports what it accepted before its error', async () => {
    let attempt = 0;
    const source = defer(() => {
      attempt += 1;
      const items = from(ids(attempt * 100, 50));
      return attempt < 3
        ? concat(
            items,
            throwError(() => new Error(`attempt ${attempt}`)),
          )
        : items;
    });
    const reports = await lastValueFrom(source.pipe(toKinesis(options()), retry(2), toArray()));
    expect(attempt).toBe(3);
    expect(sorted(reports.map((report) => report.item))).toEqual([
      ...ids(100, 50),
      ...ids(200, 50),
      ...ids(300, 50),
    ]);
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    expect(await storedIds(150)).toEqual([...ids(100, 50), ...ids(200, 50), ...ids(300, 50)]);
  });

  it('repeat(3): three producers one after another, each completing after its reports', async () => {
    let round = 0;
    const source = defer(() => {
      round += 1;
      return from(ids(round * 1000, 40));
    });
    const reports = await lastValueFrom(source.pipe(toKinesis(options()), repeat(3), toArray()));
    const items = reports.map((report) => report.item);
    // Each round's reports all come before the next round's (a round completes after its last).
    expect(items.slice(0, 40).every((id) => id >= 1000 && id < 1040)).toBe(true);
    expect(items.slice(40, 80).every((id) => id >= 2000 && id < 2040)).toBe(true);
    expect(sorted(items)).toEqual([...ids(1000, 40), ...ids(2000, 40), ...ids(3000, 40)]);
    expect(await storedIds(120)).toEqual([...ids(1000, 40), ...ids(2000, 40), ...ids(3000, 40)]);
  });

  it('shareReplay({ refCount: true }): a late subscriber gets the earlier reports replayed; one producer writes', async () => {
    const source = new Subject<number>();
    const reports$ = source.pipe(toKinesis(options()), shareReplay({ bufferSize: Infinity, refCount: true }));
    const first: DeliveryReport<number>[] = [];
    const firstDone = new Promise<void>((resolve) =>
      reports$.subscribe({ next: (report) => first.push(report), complete: resolve }),
    );
    for (const id of ids(0, 30)) source.next(id);
    // Wait for the first reports, then subscribe again: they are replayed, no second producer.
    while (first.length < 30) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = lastValueFrom(reports$.pipe(toArray()));
    for (const id of ids(30, 30)) source.next(id);
    source.complete();
    await firstDone;
    expect(sorted((await second).map((report) => report.item))).toEqual(ids(0, 60));
    expect(first).toHaveLength(60);
    expect(await storedIds(60)).toEqual(ids(0, 60));
  });

  it('a report subscriber that feeds the source (re-entrant next() and complete()): every item once, then complete', async () => {
    const source = new Subject<number>();
    const reports: DeliveryReport<number>[] = [];
    let next = 20;
    const done = new Promise<void>((resolve, reject) =>
      source.pipe(toKinesis(options())).subscribe({
        next: (report) => {
          reports.push(report);
          // Each report brings one more item, from inside the report's emission.
          if (next < 200) source.next(next++);
          else if (next === 200) {
            next += 1;
            source.complete();
          }
        },
        error: reject,
        complete: resolve,
      }),
    );
    for (const id of ids(0, 20)) source.next(id);
    await done;
    expect(sorted(reports.map((report) => report.item))).toEqual(ids(0, 200));
    expect(new Set(reports.map((report) => report.index)).size).toBe(200);
    expect(await storedIds(200)).toEqual(ids(0, 200));
  });

  it('a synchronous source of 100,000 items with maxQueueSize 2,000, drop-newest: 2,000 accepted, the rest dropped', async () => {
    const reports: DeliveryReport<number>[] = [];
    let emittedDuringSubscribe = 0;
    const done = new Promise<void>((resolve, reject) => {
      range(0, 100_000)
        .pipe(toKinesis({ ...options(), maxQueueSize: 2_000, overflow: 'drop-newest' }))
        .subscribe({ next: (report) => reports.push(report), error: reject, complete: resolve });
      emittedDuringSubscribe = reports.length;
    });
    // No answer can come during a synchronous loop: the queue held at most 2,000 items throughout.
    expect(emittedDuringSubscribe).toBe(98_000);
    await done;
    const dropped = reports.filter((report) => report.status === 'dropped');
    const delivered = reports.filter((report) => report.status === 'delivered');
    expect(dropped).toHaveLength(98_000);
    expect(
      dropped.every((report) => report.status === 'dropped' && report.error instanceof QueueFullError),
    ).toBe(true);
    expect(sorted(delivered.map((report) => report.item))).toEqual(ids(0, 2_000));
  });

  it('a synchronous source of 10 KiB items with maxQueueBytes 256 KiB: what fits is accepted, then QueueFullError', async () => {
    const big = 'x'.repeat(10 * 1024);
    const reports: DeliveryReport<string>[] = [];
    const error = await new Promise<unknown>((resolve) =>
      range(0, 1_000)
        .pipe(
          map((id) => `${id}:${big}`),
          toKinesis<string>({
            streamName,
            client,
            processor: jsonLineProcessor<string>(),
            partitionKey: 'k',
            bufferTime: 10,
            maxRecordBytes: 64 * 1024,
            maxQueueBytes: 256 * 1024,
          }),
        )
        .subscribe({
          next: (report) => reports.push(report),
          error: resolve,
          complete: () => resolve('completed'),
        }),
    );
    expect(error).toBeInstanceOf(QueueFullError);
    // Each item takes its 10 KiB plus a few bytes of JSON and key: the first one that did not fit
    // in 256 KiB is refused, and every one before it is delivered and reported.
    const refused = (error as QueueFullError).context.itemIndex!;
    const itemBytes = JSON.stringify(`${refused}:${big}`).length + 1;
    expect(refused).toBe(Math.floor((256 * 1024) / itemBytes));
    expect(sorted(reports.map((report) => report.index))).toEqual(ids(0, refused));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
  });
});
