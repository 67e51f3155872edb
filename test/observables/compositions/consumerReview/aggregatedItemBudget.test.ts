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
  itemsPerRecord: number,
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
  let emitted = 0;
  let passed = 0;
  let peak = 0;
  const sample = (): void => {
    if (passed >= startupItems) peak = Math.max(peak, emitted * itemsPerRecord - passed);
  };
  const items = await firstValueFrom(
    consumer.pipe(
      tap(() => {
        emitted += 1;
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

test.each(['polling', 'enhanced fan-out'])(
  '%s: once records were decoded, a slow pipeline holds no more than maxQueueItems items of aggregated records',
  async (mode) => {
    const streamName = uniqueStreamName('agg-item-bound');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, aggregatedRecords(150, 20));
    client.destroy();
    const total = 150 * 20;
    const run = await slowRun(streamName, 20, total, 1000, {
      maxQueueItems: 40,
      recordLimit: 40,
      ...(mode === 'polling' ? {} : { enhancedFanOut: { consumerName: 'agg-item-bound' } }),
    });
    expect(run.items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(run.peak).toBeGreaterThan(0);
    expect(run.peak).toBeLessThanOrEqual(40);
  },
);

test('records waiting undecoded behind a large record emitted item by item count at its size', async () => {
  const streamName = uniqueStreamName('agg-item-queued');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // 1,500 items a record: more than maxItemsAhead (1,000), so each goes out item by item while
  // the records after it wait undecoded in deserialize().
  await putTestRecords(client, streamName, aggregatedRecords(16, 1500));
  client.destroy();
  const total = 16 * 1500;
  const run = await slowRun(streamName, 1500, total, 9000, { maxQueueItems: 3000, recordLimit: 5 });
  expect(run.items).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(run.peak).toBeGreaterThan(0);
  expect(run.peak).toBeLessThanOrEqual(3000);
});

test('a pipeline that waits for maxQueueItems items before it settles any gets them', async () => {
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
