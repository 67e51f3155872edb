// Case: the last subscriber leaves while a checkpoint write is still under way (a slow store),
// and a new subscription comes at once. The new run starts only after the old one's writes and
// lease release: it resumes right after the last record the old pipeline passed, and it never
// finds the lease still held (or the old position not yet stored).
import { lastValueFrom, map, take, toArray, type Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  type CheckpointPosition,
  type Lease,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import { numbers, putRecords } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

/** Each position write waits `delayMs` before it reaches the store. */
class SlowWrites extends SpyCheckpointer {
  delayMs = 0;
  override async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.checkpoint(lease, position);
  }
}

test('a new run after an unsubscribe during a slow write resumes right after the records passed', async () => {
  const streamName = uniqueStreamName('unsubscribe-during-write');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const sequences = (await putRecords(client, streamName, numbers(30))).map((r) => r.sequenceNumber);
  client.destroy();
  const checkpointer = new SlowWrites(new MemoryCheckpointer());
  checkpointer.delayMs = 500;
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });

  const first: string[] = [];
  await new Promise<void>((resolve) => {
    const subscription: Subscription = consumer
      .pipe(checkpoint({ batchSize: 1, intervalMs: 0 }))
      .subscribe((record) => {
        first.push(record.sequenceNumber);
        if (first.length === 5) {
          // A write of these positions is under way (batchSize 1): leave now.
          subscription.unsubscribe();
          resolve();
        }
      });
  });
  checkpointer.delayMs = 0;
  const second = await lastValueFrom(
    consumer.pipe(
      checkpoint({ intervalMs: 0 }),
      take(5),
      map((record) => record.sequenceNumber),
      toArray(),
    ),
  );
  await consumer.stopped();

  expect(first).toEqual(sequences.slice(0, 5));
  expect(second).toEqual(sequences.slice(5, 10));
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
    kind: 'position',
    position: { sequenceNumber: sequences[9] },
  });
});
