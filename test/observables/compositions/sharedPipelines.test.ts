// Case: two checkpointing pipelines on one consumer. `consumer.pipe(share())` makes them one
// subscriber of the consumer, so the faster pipeline's checkpoint() used to commit records the
// slower one had not processed (a crash then lost them for it): the slower pipeline now errors
// with MulticastCheckpointError. Subscribed to the consumer directly, as fromKinesis() is already
// shared, each pipeline holds the position back until it finished its records.
import { concatMap, map, share, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer, MulticastCheckpointError } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

async function twoPipelines(shared: boolean) {
  const streamName = uniqueStreamName(shared ? 'shared-pipelines' : 'direct-pipelines');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(20));
  const fast = new ProcessedLedger();
  const slow = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => [fast.snapshot(shardId), slow.snapshot(shardId)],
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  const source = shared ? consumer.pipe(share()) : consumer;
  const subscriptions: Subscription[] = [];
  let slowError: unknown;
  try {
    subscriptions.push(
      source
        .pipe(
          map((record) => {
            fast.add(record.shardId, record.sequenceNumber);
            return record;
          }),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
        )
        .subscribe(),
    );
    subscriptions.push(
      source
        .pipe(
          concatMap((record) =>
            timer(20).pipe(
              map(() => {
                slow.add(record.shardId, record.sequenceNumber);
                return record;
              }),
            ),
          ),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
        )
        .subscribe({ error: (error: unknown) => (slowError = error) }),
    );
    await waitFor(() => slowError !== undefined || (fast.size === 20 && slow.size === 20), {
      timeoutMs: 45_000,
      message: () => `fast processed ${fast.size}, slow ${slow.size} of 20 records`,
    });
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
  return { slowError, writes: checkpointer.writes, written };
}

test('share() before two checkpoint()s: the second pipeline errors with MulticastCheckpointError', async () => {
  const { slowError } = await twoPipelines(true);
  expect(slowError).toBeInstanceOf(MulticastCheckpointError);
  expect((slowError as MulticastCheckpointError).context.shardId).toBe('shardId-000000000000');
});

test('two pipelines subscribed directly: no position stored ahead of either one', async () => {
  const { slowError, writes, written } = await twoPipelines(false);
  expect(slowError).toBeUndefined();
  expect(writes.length).toBeGreaterThan(0);
  expect(writesAheadOfProcessing(writes, written)).toEqual([]);
});
