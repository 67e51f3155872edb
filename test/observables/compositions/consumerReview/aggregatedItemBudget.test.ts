// Case: maxQueueItems with aggregated records (JSON lines, 20 items a record) and a slow pipeline,
// polling and enhanced fan-out. A call reserved as many records as items were left, each counted
// as one item until deserialize() decoded it, so every call made while fewer than maxQueueItems
// items were held brought up to 20 times more: a steady run held about 200 items against 30.
// Once records were decoded, a call now reserves the records the items left take at the average
// items per record. The first calls (before any record was decoded) are not bounded that way, so
// the peak is taken once their items are through.
import { concatMap, firstValueFrom, map, take, timer, toArray } from 'rxjs';
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

jest.setTimeout(180_000);
const kinesis = useTestKinesis();

const ITEMS_PER_RECORD = 20;
const RECORDS = 100;
const MAX_QUEUE_ITEMS = 40;
/** Items of the first calls, sized before any record was decoded: at most the item budget in records. */
const STARTUP_ITEMS = 2 * MAX_QUEUE_ITEMS * ITEMS_PER_RECORD;

function aggregatedRecords(): { partitionKey: string; data: string }[] {
  return Array.from({ length: RECORDS }, (_, r) => ({
    partitionKey: 'key',
    data: Array.from({ length: ITEMS_PER_RECORD }, (_, i) => `${r * ITEMS_PER_RECORD + i}\n`).join(''),
  }));
}

test.each(['polling', 'enhanced fan-out'])(
  '%s: once records were decoded, a slow pipeline holds no more than maxQueueItems items of aggregated records',
  async (mode) => {
    const streamName = uniqueStreamName('agg-item-bound');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, aggregatedRecords());
    client.destroy();
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer: new MemoryCheckpointer(),
      maxQueueItems: MAX_QUEUE_ITEMS,
      maxQueueSize: 1000,
      recordLimit: MAX_QUEUE_ITEMS,
      ...(mode === 'polling' ? {} : { enhancedFanOut: { consumerName: 'agg-item-bound' } }),
    });
    let seen = 0;
    let peak = 0;
    const total = RECORDS * ITEMS_PER_RECORD;
    const items = await firstValueFrom(
      consumer.pipe(
        deserialize(jsonLineProcessor<number>()),
        concatMap((item) => timer(1).pipe(map(() => item))),
        map((item) => {
          seen += 1;
          if (seen > STARTUP_ITEMS) peak = Math.max(peak, consumer.stats().inFlightItems);
          return item;
        }),
        checkpoint({ batchSize: 10 }),
        take(total),
        toArray(),
      ),
    );
    await consumer.stopped();
    expect(items.map((item) => item.data)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(MAX_QUEUE_ITEMS);
  },
);
