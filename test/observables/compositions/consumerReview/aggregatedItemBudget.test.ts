// Case: maxQueueItems with aggregated records (JSON lines) and a slow pipeline. A record counted
// as one item until deserialize() decoded it, so a call reserved as many records as items were
// left: with 20 items a record a steady run held about 400 items against 40 (polling and fan-out),
// and records waiting undecoded behind a large one emitted item by item (maxItemsAhead) counted
// one item each: 81,000 items against 3,000. Records not decoded yet (and reserved slots) now
// count at the items per record decoded lately. The items in flight are counted here from
// outside: the items of the records fromKinesis() emitted, less the items checkpoint() passed.
// The first calls (before any record was decoded) are not bounded that way: the peak is taken
// once their items are through.
import { bufferCount, concatMap, firstValueFrom, map, mergeMap, take, tap, timer, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
  stringProcessor,
} from '../../../../src/index.js';
import { putTestRecords } from '../../../consumer/putTestRecords.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(240_000);
const kinesis = useTestKinesis();

function aggregatedRecords(
  records: number,
  itemsPerRecord: number,
): { partitionKey: string; data: string }[] {
  return Array.from({ length: records }, (_, r) => ({
    partitionKey: 'key',
    data: Array.from({ length: itemsPerRecord }, (_, i) => `${r * itemsPerRecord + i}\n`).join(''),
  }));
}

interface Run {
  readonly items: number[];
  /** Most items in flight seen once `startupItems` items were through checkpoint(). */
  readonly peak: number;
}

async function slowRun(
  streamName: string,
  total: number,
  startupItems: number,
  options: { maxQueueItems: number; recordLimit: number; enhancedFanOut?: { consumerName: string } },
): Promise<Run> {
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer: new MemoryCheckpointer(),
    maxQueueSize: 1000,
    ...options,
  });
  /** Items of the records emitted: one per line. */
  let emitted = 0;
  let passed = 0;
  let peak = 0;
  const sample = (): void => {
    if (passed >= startupItems) peak = Math.max(peak, emitted - passed);
  };
  const items = await firstValueFrom(
    consumer.pipe(
      tap((record) => {
        for (const byte of record.data) if (byte === 10) emitted += 1;
        sample();
      }),
      deserialize(jsonLineProcessor<number>()),
      concatMap((item) => timer(1).pipe(map(() => item))),
      checkpoint({ batchSize: 10 }),
      tap(() => {
        passed += 1;
        sample();
      }),
      map((item) => item.data),
      take(total),
      toArray(),
    ),
  );
  await consumer.stopped();
  return { items, peak };
}

// Each test reads a stream of its own and mostly waits (on the pipeline's timers, on polling):
// they run at the same time.
test.concurrent.each(['polling', 'enhanced fan-out'])(
  '%s: once records were decoded, a slow pipeline holds no more than maxQueueItems items of aggregated records',
  async (mode) => {
    const streamName = uniqueStreamName('agg-item-bound');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, aggregatedRecords(150, 20));
    client.destroy();
    const total = 150 * 20;
    const run = await slowRun(streamName, total, 1000, {
      maxQueueItems: 40,
      recordLimit: 40,
      ...(mode === 'polling' ? {} : { enhancedFanOut: { consumerName: 'agg-item-bound' } }),
    });
    expect(run.items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(run.peak).toBeGreaterThan(0);
    expect(run.peak).toBeLessThanOrEqual(40);
  },
);

test.concurrent(
  'records waiting undecoded behind a large record emitted item by item count at its size',
  async () => {
    const streamName = uniqueStreamName('agg-item-queued');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // 1,500 items a record: more than maxItemsAhead (1,000), so each goes out item by item while
    // the records after it wait undecoded in deserialize().
    await putTestRecords(client, streamName, aggregatedRecords(16, 1500));
    client.destroy();
    const total = 16 * 1500;
    const run = await slowRun(streamName, total, 9000, { maxQueueItems: 3000, recordLimit: 5 });
    expect(run.items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(run.peak).toBeGreaterThan(0);
    expect(run.peak).toBeLessThanOrEqual(3000);
  },
);

test.concurrent(
  'a stream mixing sizes (a large record now and then) is counted at their mean, not at the small size',
  async () => {
    const streamName = uniqueStreamName('agg-item-mixed');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // One record of 1,000 items, then 100 of one item, 12 times: 10.9 items a record. Counted at
    // the one-item records' size most of the time, a call brought many large records at once.
    const records = Array.from({ length: 12 }, (_, round) => {
      const first = round * 1100;
      return [
        { partitionKey: 'key', data: Array.from({ length: 1000 }, (_, i) => `${first + i}\n`).join('') },
        ...Array.from({ length: 100 }, (_, i) => ({ partitionKey: 'key', data: `${first + 1000 + i}\n` })),
      ];
    }).flat();
    await putTestRecords(client, streamName, records);
    client.destroy();
    const total = 12 * 1100;
    const run = await slowRun(streamName, total, 3300, { maxQueueItems: 2000, recordLimit: 200 });
    expect(run.items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(run.peak).toBeGreaterThan(0);
    expect(run.peak).toBeLessThanOrEqual(2000 + 1000);
  },
);

test.concurrent('a pipeline that waits for maxQueueItems items before it settles any gets them', async () => {
  const streamName = uniqueStreamName('agg-item-batch');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, aggregatedRecords(30, 20));
  client.destroy();
  // 50 items are 2.5 records of 20: the third record fits in part and is read.
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer: new MemoryCheckpointer(),
    maxQueueItems: 50,
    recordLimit: 10,
  });
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize(jsonLineProcessor<number>()),
      bufferCount(50),
      concatMap((batch) => timer(1).pipe(mergeMap(() => batch))),
      checkpoint(),
      map((item) => item.data),
      take(600),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(items).toEqual(Array.from({ length: 600 }, (_, i) => i));
});

test.concurrent(
  'two subscribers decoding records differently: the larger count bounds the items, whichever decodes first',
  async () => {
    const streamName = uniqueStreamName('agg-item-two');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, aggregatedRecords(150, 20));
    client.destroy();
    const total = 150 * 20;
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer: new MemoryCheckpointer(),
      maxQueueSize: 1000,
      maxQueueItems: 40,
      recordLimit: 40,
    });
    // Subscribed first, this one decodes each record first, as one item: the estimate followed
    // it alone and stayed at one item a record, so a call brought 40 records (800 items).
    const whole = firstValueFrom(
      consumer.pipe(deserialize(stringProcessor()), checkpoint(), take(150), toArray()),
    );
    let emitted = 0;
    let passed = 0;
    let peak = 0;
    const sample = (): void => {
      if (passed >= 1000) peak = Math.max(peak, emitted - passed);
    };
    const lines = firstValueFrom(
      consumer.pipe(
        tap((record) => {
          for (const byte of record.data) if (byte === 10) emitted += 1;
          sample();
        }),
        deserialize(jsonLineProcessor<number>()),
        concatMap((item) => timer(1).pipe(map(() => item))),
        checkpoint({ batchSize: 10 }),
        tap(() => {
          passed += 1;
          sample();
        }),
        map((item) => item.data),
        take(total),
        toArray(),
      ),
    );
    const [records, items] = await Promise.all([whole, lines]);
    await consumer.stopped();
    expect(records).toHaveLength(150);
    expect(items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(40);
  },
);
