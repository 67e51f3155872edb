// Case: the stream was split, the consumer has read the parent shard to its end, and the parent's
// last records are still at work in the pipeline (the reading drains, waiting for them) when the
// pipeline is unsubscribed (a shutdown). Those records were never processed: the parent must not
// be marked SHARD_END (its children would start and the parent would never be read again, so a
// restart would lose them). The restart reads the parent's records again, then the children's.
import { concatMap, lastValueFrom, map, take, timer, toArray, type Subscription } from 'rxjs';
import { checkpoint, deserialize, fromKinesis, MemoryCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { numbers, putRecords, splitShard, waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const PARENT = 'shardId-000000000000';

test('unsubscribing while the parent shard drains unprocessed records writes no SHARD_END; a restart reads them', async () => {
  const streamName = uniqueStreamName('stop-parent-drains');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(10));
  await splitShard(client, streamName);
  await putRecords(client, streamName, numbers(10, 10));
  client.destroy();
  const checkpointer = new MemoryCheckpointer();

  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  let received = 0;
  // Each record's work outlasts the test: none of the parent's records is processed.
  const subscription: Subscription = consumer
    .pipe(
      deserialize<number>(),
      map((item) => {
        received += 1;
        return item;
      }),
      concatMap((item) => timer(600_000).pipe(map(() => item))),
      checkpoint({ intervalMs: 0 }),
    )
    .subscribe();
  try {
    await waitFor(() => consumer.stats().shards.some((s) => s.shardId === PARENT && s.state === 'draining'), {
      timeoutMs: 30_000,
      message: () => `the parent never drained: ${JSON.stringify(consumer.stats().shards)}`,
    });
    expect(received).toBe(10);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
  }
  expect(await checkpointer.getCheckpoint(streamName, PARENT)).toBeUndefined();

  // A restart reads the parent's ten records, then the children's.
  const restarted = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const all = await lastValueFrom(
    restarted.pipe(
      deserialize<number>(),
      checkpoint({ intervalMs: 0 }),
      take(20),
      map((item) => item.data),
      toArray(),
    ),
  );
  await restarted.stopped();
  expect(all.slice(0, 10)).toEqual(numbers(10).map(Number));
  expect([...all].sort((a, b) => a - b)).toEqual(numbers(20).map(Number));
});
