// Case: maxQueueBytes with a slow pipeline. Records of 10 KB, pages of up to 50 records (500 KB)
// and a byte budget of 100 KB: once record sizes are known, a GetRecords call must not bring a
// page far past the budget each time the bytes held dip under it (it took a whole page, 940 KB
// held against 100 KB: the budget only stopped calls once it was already full).
import { concatMap, firstValueFrom, map, take, timer, toArray } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, MemoryCheckpointer } from '../../../../src/index.js';
import { numberedRecords, putTestRecords } from '../../../consumer/putTestRecords.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis();

test('a slow pipeline never holds much more than maxQueueBytes of records', async () => {
  const streamName = uniqueStreamName('byte-bound');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const pad = 'x'.repeat(10_000);
  await putTestRecords(
    client,
    streamName,
    numberedRecords(600).map((r) => ({ ...r, data: JSON.stringify(`${r.data}:${pad}`) })),
  );
  client.destroy();
  const maxQueueBytes = 100_000;
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer: new MemoryCheckpointer(),
    maxQueueBytes,
    // Pages of up to 50 records (500 KB): five times the byte budget.
    recordLimit: 50,
  });
  let processed = 0;
  let peak = 0;
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize<string>(),
      concatMap((item) => timer(1).pipe(map(() => item))),
      map((item) => {
        processed += 1;
        // After the first pages (their sizes unknown before they arrive): the steady state.
        if (processed > 150) peak = Math.max(peak, consumer.stats().inFlightBytes);
        return item;
      }),
      checkpoint({ batchSize: 10 }),
      take(450),
      toArray(),
    ),
  );
  await consumer.stopped();
  expect(items).toHaveLength(450);
  // One record of slack per shard being read.
  expect(peak).toBeLessThanOrEqual(maxQueueBytes + 2 * 10_010);
});
