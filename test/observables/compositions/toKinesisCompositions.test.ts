// toKinesis() in the compositions users write, against the embedded Kinesis: every accepted item
// ends in the stream once and is reported once to whoever still listens.
import {
  Subject,
  concatMap,
  defer,
  from,
  lastValueFrom,
  mergeMap,
  range,
  share,
  takeUntil,
  throwError,
  concat,
  timer,
  toArray,
  retry,
  firstValueFrom,
  merge,
} from 'rxjs';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import { kplJsonProcessor, jsonLineProcessor } from '../../../src/processors/namedProcessors.js';
import { kplAggregator } from '../../../src/processors/aggregators/kplAggregator.js';
import type { DeliveryReport } from '../../../src/producer/DeliveryReport.js';
import { Producer } from '../../../src/producer/Producer.js';
import { readStream } from '../../producer/support/readStream.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** The item ids stored in a stream of KPL records of JSON numbers, and how often each. */
async function storedIds(streamName: string): Promise<Map<number, number>> {
  const client = kinesis.createClient();
  const stored = await readStream(client, streamName, 1);
  client.destroy();
  const aggregator = kplAggregator();
  const copies = new Map<number, number>();
  for (const record of stored) {
    for (const entry of aggregator.deaggregate({ data: record.bytes, partitionKey: record.partitionKey })) {
      const id = JSON.parse(Buffer.from(entry.data).toString('utf8')) as number;
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
  }
  return copies;
}

function ids(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe('toKinesis() in compositions', () => {
  let streamName: string;
  beforeEach(async () => {
    streamName = uniqueStreamName('compose');
    await kinesis.createStream(streamName, 2);
  });

  const options = (client: ReturnType<typeof kinesis.createClient>) => ({
    streamName,
    client,
    processor: kplJsonProcessor<number>(),
    partitionKey: (id: number) => `k${id % 7}`,
    bufferTime: 20,
  });

  it('one operator per inner of mergeMap, concatMap: every item once', async () => {
    const client = kinesis.createClient();
    const batches = [ids(0, 300), ids(300, 300), ids(600, 300)];
    const merged = await lastValueFrom(
      from(batches).pipe(
        mergeMap((batch) => from(batch).pipe(toKinesis(options(client)))),
        toArray(),
      ),
    );
    const concatenated = await lastValueFrom(
      from([ids(900, 100), ids(1000, 100)]).pipe(
        concatMap((batch) => from(batch).pipe(toKinesis(options(client)))),
        toArray(),
      ),
    );
    client.destroy();
    expect(merged.map((r) => r.item).sort((a, b) => a - b)).toEqual(ids(0, 900));
    expect(concatenated.map((r) => r.item).sort((a, b) => a - b)).toEqual(ids(900, 200));
    expect([...merged, ...concatenated].every((r) => r.status === 'delivered')).toBe(true);
    const copies = await storedIds(streamName);
    expect([...copies.keys()].sort((a, b) => a - b)).toEqual(ids(0, 1100));
  });

  it('take(1) and takeUntil on the reports still deliver what was accepted', async () => {
    const client = kinesis.createClient();
    const first = await firstValueFrom(range(0, 500).pipe(toKinesis(options(client))));
    expect(first.status).toBe('delivered');
    const stop = new Subject<void>();
    const seen: DeliveryReport<number>[] = [];
    const source = new Subject<number>();
    const done = new Promise<void>((resolve) =>
      source.pipe(toKinesis(options(client)), takeUntil(stop)).subscribe({
        next: (report) => {
          seen.push(report);
          if (seen.length === 1) stop.next();
        },
        complete: resolve,
      }),
    );
    for (const id of ids(500, 200)) source.next(id);
    await done;
    expect(seen).toHaveLength(1);
    // Accepted items are delivered after the unsubscription: wait until the stream holds them.
    let copies = new Map<number, number>();
    for (let round = 0; round < 50 && copies.size < 700; round += 1) {
      copies = await storedIds(streamName);
      if (copies.size < 700) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    client.destroy();
    expect([...copies.keys()].sort((a, b) => a - b)).toEqual(ids(0, 700));
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('share() of the reports: one producer, every subscriber sees every report', async () => {
    const client = kinesis.createClient();
    const reports$ = range(0, 400).pipe(toKinesis(options(client)), share());
    const [a, b] = await Promise.all([
      lastValueFrom(reports$.pipe(toArray())),
      lastValueFrom(reports$.pipe(toArray())),
    ]);
    client.destroy();
    expect(a).toHaveLength(400);
    expect(b).toEqual(a);
    const copies = await storedIds(streamName);
    expect(copies.size).toBe(400);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('a source error after accepted items: they are reported, then the error; retry() starts a new producer', async () => {
    const client = kinesis.createClient();
    let subscriptions = 0;
    const failing = defer(() => {
      subscriptions += 1;
      const start = subscriptions === 1 ? 0 : 200;
      const items = from(ids(start, 200));
      return subscriptions === 1
        ? concat(
            items,
            throwError(() => new Error('source broke')),
          )
        : items;
    });
    const reports = await lastValueFrom(failing.pipe(toKinesis(options(client)), retry(1), toArray()));
    client.destroy();
    expect(reports.map((r) => r.item).sort((a, b) => a - b)).toEqual(ids(0, 400));
    const copies = await storedIds(streamName);
    expect(copies.size).toBe(400);
  });

  it('two toKinesis() on one stream at once, with different processors', async () => {
    const client = kinesis.createClient();
    const items = new Subject<number>();
    const a = lastValueFrom(items.pipe(toKinesis(options(client)), toArray()));
    const b = lastValueFrom(
      items.pipe(
        toKinesis({ streamName, client, processor: jsonLineProcessor<number>(), bufferTime: 20 }),
        toArray(),
      ),
    );
    for (const id of ids(0, 300)) items.next(id);
    items.complete();
    const [ra, rb] = await Promise.all([a, b]);
    client.destroy();
    expect(ra).toHaveLength(300);
    expect(rb).toHaveLength(300);
    expect(new Set(ra.map((r) => r.index)).size).toBe(300);
    expect(new Set(rb.map((r) => r.index)).size).toBe(300);
  });

  it('a Producer put() from inside a reports$ subscriber (re-entrant) is delivered and reported', async () => {
    const client = kinesis.createClient();
    const producer = new Producer<number>(options(client));
    const reports: DeliveryReport<number>[] = [];
    const echoes: Promise<number>[] = [];
    producer.reports$.subscribe((report) => {
      reports.push(report);
      if (report.item < 1000) echoes.push(producer.put(report.item + 1000));
    });
    for (const id of ids(0, 300)) await producer.put(id);
    await producer.flush();
    // Every echo was put while its report was emitted; a second flush covers them.
    await Promise.all(echoes);
    await producer.close();
    client.destroy();
    expect(reports.map((r) => r.item).sort((a, b) => a - b)).toEqual([...ids(0, 300), ...ids(1000, 300)]);
    expect(reports.every((r) => r.status === 'delivered')).toBe(true);
  });

  it('unsubscribing during a flush keeps delivering (merge with a timer that ends the run)', async () => {
    const client = kinesis.createClient();
    const source = new Subject<number>();
    const sub = merge(source.pipe(toKinesis(options(client))), timer(100_000)).subscribe();
    for (const id of ids(0, 250)) source.next(id);
    source.complete();
    sub.unsubscribe();
    let copies = new Map<number, number>();
    for (let round = 0; round < 50 && copies.size < 250; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      copies = await storedIds(streamName);
    }
    client.destroy();
    expect(copies.size).toBe(250);
  });
});
