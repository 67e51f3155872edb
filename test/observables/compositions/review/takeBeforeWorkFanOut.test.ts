// Case: take(n) before asynchronous work and checkpoint() on an enhanced fan-out consumer (records
// pushed by SubscribeToShard, not polled): the run reads nothing more once the subscription
// ended, waits for the records taken to pass checkpoint(), commits them, and the next run resumes
// right after them.
import { concatMap, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { MemoryCheckpointer } from '../../../../src/checkpointers/MemoryCheckpointer.js';
import { checkpoint } from '../../../../src/operators/checkpoint.js';
import { deserialize } from '../../../../src/operators/deserialize.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { numbers, putRecords } from '../../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis } from '../../../consumer/fanOut/fanOutSupport.js';

jest.setTimeout(120_000);

test('enhanced fan-out: take(n) before the work; each run resumes after the records the last one took', async () => {
  const kinesis = await startFanOutKinesis();
  const client = kinesis.createClient();
  try {
    const streamName = uniqueStreamName('efo-take-before-work');
    await kinesis.createStream(streamName, 1);
    await putRecords(client, streamName, numbers(20));
    const checkpointer = new MemoryCheckpointer();
    const consumer = fromKinesis(
      fanOutOptions(kinesis, streamName, 'take-before-work', {
        enhancedFanOut: { consumerName: 'take-before-work' },
        checkpointer,
      }),
    );
    const run = async () => {
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
  } finally {
    client.destroy();
    await kinesis.close();
  }
});
