import { concatMap, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, MemoryCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { numbers, putRecords } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();

test('take(n) before asynchronous work and checkpoint(): the next run resumes after the n records', async () => {
  const streamName = uniqueStreamName('take-before-work');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(20));
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const run = async () => {
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    try {
      return await lastValueFrom(
        consumer.pipe(
          deserialize<number>(),
          take(5),
          concatMap((item) => timer(20).pipe(map(() => item))),
          checkpoint({ intervalMs: 0 }),
          map((item) => item.data),
          toArray(),
        ),
      );
    } finally {
      await consumer.stopped();
    }
  };
  expect(await run()).toEqual([0, 1, 2, 3, 4]);
  expect(await run()).toEqual([5, 6, 7, 8, 9]);
});
