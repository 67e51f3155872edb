// Case: maxQueueItems below maxQueueSize with a slow pipeline, polling and enhanced fan-out. A
// record is at least one item, so a call may not bring more plain records than items are left
// (polling held 400 items against 40, fan-out 139: a reservation was bounded by the record
// budget only, and the items one stopped calls once it was already full).
import { concatMap, firstValueFrom, map, take, timer, toArray } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../../src/index.js';
import { numberedRecords, putTestRecords } from '../../../consumer/putTestRecords.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(120_000);
const kinesis = useTestKinesis();

test.each(['polling', 'enhanced fan-out'])(
  '%s: a slow pipeline never holds more than maxQueueItems plain records',
  async (mode) => {
    const streamName = uniqueStreamName('item-bound');
    await kinesis.createStream(streamName, 4);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(400));
    client.destroy();
    const maxQueueItems = 40;
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      checkpointer: new MemoryCheckpointer(),
      maxQueueItems,
      maxQueueSize: 1000,
      ...(mode === 'polling' ? {} : { enhancedFanOut: { consumerName: 'item-bound' } }),
    });
    let peak = 0;
    const records = await firstValueFrom(
      consumer.pipe(
        concatMap((record) => timer(5).pipe(map(() => record))),
        map((record) => {
          peak = Math.max(peak, consumer.stats().inFlightItems);
          return record;
        }),
        checkpoint({ batchSize: 10 }),
        take(300),
        toArray(),
      ),
    );
    await consumer.stopped();
    expect(records).toHaveLength(300);
    expect(peak).toBeLessThanOrEqual(maxQueueItems);
  },
);
