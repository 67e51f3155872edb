// The wall clock (the scheduler's now(): Date.now() for the default asyncScheduler) set back while
// a consumer polls, as an NTP step or a corrected VM clock does: each shard's next GetRecords used
// to wait until the clock caught up with the time of its last call again, so reading stopped for
// as long as the clock went back. It must go on at its usual pace, nothing lost and nothing stored
// ahead. (Only the consumer's clock goes back here: the embedded Kinesis in this process keeps
// Date.now(), as the service keeps its own clock.)
import { asyncScheduler, concatMap, map, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, MemoryCheckpointer } from '../../src/index.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { SpyCheckpointer } from '../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../support/streamRecords.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const TEN_MINUTES = 600_000;

test('reading goes on after the wall clock was set back ten minutes', async () => {
  const streamName = uniqueStreamName('clock-set-back');
  await kinesis.createStream(streamName, 2);
  const client = kinesis.createClient();
  const written = await putRecords(client, streamName, numbers(100));
  const ledger = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => ledger.snapshot(shardId),
  });
  let setBack = 0;
  const scheduler: SchedulerLike = {
    now: () => Date.now() - setBack,
    schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
  };
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer, scheduler });
  const processedAll = () => written.every((r) => ledger.has(r.shardId, r.sequenceNumber));
  let failure: unknown;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        concatMap((record) =>
          timer(1).pipe(
            map(() => {
              ledger.add(record.shardId, record.sequenceNumber);
              return record;
            }),
          ),
        ),
        checkpoint({ batchSize: 10, intervalMs: 100 }),
      )
      .subscribe({ error: (error: unknown) => (failure = error) });
    await waitFor(processedAll, { timeoutMs: 30_000, message: () => `processed ${ledger.size} of 100` });
    setBack = TEN_MINUTES;
    written.push(...(await putRecords(client, streamName, numbers(50, 100))));
    const started = Date.now();
    while (!processedAll() && failure === undefined && Date.now() - started < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failure).toBeUndefined();
    expect(ledger.size).toBe(150);
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
  expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
});
