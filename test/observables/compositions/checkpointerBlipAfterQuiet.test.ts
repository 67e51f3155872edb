// Position writes count towards checkpointerTimeoutMs. The count ran from the last call that
// succeeded, whenever that was: on a quiet stream (no record for longer than checkpointerTimeoutMs,
// no lease renewal in between) the first write that failed found the time already up, and a
// single transient failure errored the Observable at once with CheckpointerUnavailableError,
// although the store had failed one call and answered the next.
import { concatMap, type Subscription } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type CheckpointPosition,
  type ConsumerEvent,
  type Lease,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

/** Generous for a loaded machine: the write after the failed one lands well within it. */
const CHECKPOINTER_TIMEOUT_MS = 8_000;

/** A MemoryCheckpointer whose next position write fails once, as a store's brief blip would. */
class BlipCheckpointer extends MemoryCheckpointer {
  failNext = false;

  constructor() {
    // Renewals come every third of this: none within the test.
    super({ leaseDurationMs: 600_000 });
  }

  override async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('read ECONNRESET');
    }
    return super.checkpoint(lease, position);
  }
}

test('one failed write after a quiet spell longer than checkpointerTimeoutMs does not stop the consumer', async () => {
  const streamName = uniqueStreamName('checkpointer-blip');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const checkpointer = new BlipCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    checkpointerTimeoutMs: CHECKPOINTER_TIMEOUT_MS,
  });
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  const written = () => events.filter((event) => event.type === 'checkpoint-written').length;
  const retried = () =>
    events.some((event) => event.type === 'error-retried' && event.operation === 'checkpoint');
  let error: unknown;
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(
        deserialize(),
        concatMap(async (item) => item),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe({ error: (e: unknown) => (error = e) });
    await putRecords(client, streamName, ['1']);
    await waitFor(() => written() === 1, { timeoutMs: 30_000, message: () => 'no position written' });
    // A quiet spell: no record, so no write, and no renewal.
    await new Promise((resolve) => setTimeout(resolve, CHECKPOINTER_TIMEOUT_MS + 1_000));
    checkpointer.failNext = true;
    await putRecords(client, streamName, ['2']);
    await waitFor(() => retried() || error !== undefined, {
      timeoutMs: 30_000,
      message: () => 'the write never failed',
    });
    await putRecords(client, streamName, ['3']);
    await waitFor(() => written() === 2 || error !== undefined, {
      timeoutMs: 30_000,
      message: () => 'the write after the failed one never landed',
    });
    expect(error).toBeUndefined();
    expect(checkpointer.snapshot()).toEqual([
      expect.objectContaining({ checkpoint: expect.objectContaining({ kind: 'position' }) }),
    ]);
  } finally {
    subscription?.unsubscribe();
    eventSubscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
