// Case: switchMap() to a new fromKinesis() on each trigger (a config reload), all sharing one
// checkpointer. Each switch unsubscribes the previous consumer (it writes what was finished and
// releases its leases) while the next one starts at once: the next one gets each lease only
// after that release, so it resumes from the final position, and every record is processed.
import { concatMap, map, Subject, switchMap, timer } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisConsumerObservable,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('switchMap to a new fromKinesis() per trigger: every record processed, the last position stored', async () => {
  const streamName = uniqueStreamName('switch-consumers');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequences = (await putRecords(client, streamName, numbers(40))).map((r) => r.sequenceNumber);
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const consumers: KinesisConsumerObservable[] = [];
  const seen = new Set<string>();
  const triggers = new Subject<void>();
  const subscription = triggers
    .pipe(
      switchMap(() => {
        const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
        consumers.push(consumer);
        return consumer.pipe(
          concatMap((record) => timer(20).pipe(map(() => record))),
          checkpoint({ batchSize: 1, intervalMs: 0 }),
        );
      }),
    )
    .subscribe((record) => seen.add(record.sequenceNumber));
  try {
    triggers.next();
    await waitFor(() => seen.size >= 5, { timeoutMs: 30_000, message: () => `${seen.size} seen` });
    triggers.next();
    await waitFor(() => seen.size >= 15, { timeoutMs: 30_000, message: () => `${seen.size} seen` });
    triggers.next();
    await waitFor(() => seen.size === sequences.length, {
      timeoutMs: 30_000,
      message: () => `${seen.size} of ${sequences.length} seen`,
    });
  } finally {
    subscription.unsubscribe();
    await Promise.all(consumers.map((consumer) => consumer.stopped()));
  }
  expect(consumers).toHaveLength(3);
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
    kind: 'position',
    position: { sequenceNumber: sequences[sequences.length - 1] },
  });
});
