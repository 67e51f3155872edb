// Case: the README's shutdown with several pipelines, each subscribed to the consumer directly:
// every subscription is unsubscribed (here the slow pipeline first, while it still has records
// at work), then stopped() is awaited. "Records still in your pipeline when you unsubscribe are
// not committed; the next owner reads them again": the position written at the stop must not
// cover records the slow pipeline had not finished, whichever pipeline leaves first.
import { concatMap, map, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test.each([
  ['the slow pipeline first', true],
  ['the fast pipeline first', false],
])(
  'two direct pipelines unsubscribed one after the other (%s): nothing stored ahead of the slow one',
  async (_label, slowFirst) => {
    const streamName = uniqueStreamName('shutdown-pipelines');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const written = await putRecords(client, streamName, numbers(30));
    client.destroy();
    const fast = new ProcessedLedger();
    const slow = new ProcessedLedger();
    const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
      snapshot: (shardId) => [fast.snapshot(shardId), slow.snapshot(shardId)],
    });
    const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
    const fastPipeline = consumer
      .pipe(
        map((record) => {
          fast.add(record.shardId, record.sequenceNumber);
          return record;
        }),
        checkpoint({ intervalMs: 0 }),
      )
      .subscribe();
    // The slow pipeline never finishes a record before the stop: each takes far longer than the test.
    const slowPipeline: Subscription = consumer
      .pipe(
        concatMap((record) =>
          timer(600_000).pipe(
            map(() => {
              slow.add(record.shardId, record.sequenceNumber);
              return record;
            }),
          ),
        ),
        checkpoint({ intervalMs: 0 }),
      )
      .subscribe();
    try {
      await waitFor(() => fast.size === 30, {
        timeoutMs: 45_000,
        message: () => `the fast pipeline processed ${fast.size} of 30`,
      });
    } finally {
      const order = slowFirst ? [slowPipeline, fastPipeline] : [fastPipeline, slowPipeline];
      for (const subscription of order) subscription.unsubscribe();
      await consumer.stopped();
    }
    expect(slow.size).toBe(0);
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toBeUndefined();
  },
);
