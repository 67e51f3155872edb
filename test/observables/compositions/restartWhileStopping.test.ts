// Case: a consumer subscribed again while an earlier run is still stopping, then unsubscribed and
// subscribed once more before that run stopped (a switchMap() from a config Observable that emits
// twice in a row, a retry() whose pipeline fails at once). The second run, unsubscribed while it
// still waited for the first one, stops at once; the third run used to wait only for that one,
// so it started while the first was still releasing its lease (refused with lease-unavailable,
// its worker id the same), and stopped() resolved before the first run's release had landed: a
// shutdown that then closes the checkpointer cuts the first run's last writes short. Every run
// now starts only after every earlier run stopped, and stopped() waits for all of them.
import { concatMap, timer, map, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, type ConsumerEvent } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { heldReleases } from '../../support/heldReleases.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a run subscribed after a short-lived one waits for every earlier run to stop, and so does stopped()', async () => {
  const streamName = uniqueStreamName('restart-while-stopping');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(10));
  client.destroy();

  const { checkpointer, release } = heldReleases();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
    workerId: 'worker-1',
    shardRefreshInterval: 200,
  });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  const count = (type: ConsumerEvent['type']) => events.filter((event) => event.type === type).length;
  const subscribe = (): Subscription =>
    consumer
      .pipe(
        concatMap((record) => timer(1).pipe(map(() => record))),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe();

  const subscriptions: Subscription[] = [];
  try {
    const first = subscribe();
    subscriptions.push(first);
    await waitFor(() => count('lease-acquired') === 1, {
      timeoutMs: 30_000,
      message: () => `events: ${events.map((event) => event.type).join(', ')}`,
    });
    first.unsubscribe();
    // The first run's release is under way (held back by the checkpointer).
    await waitFor(() => checkpointer.releaseCalls === 1, { timeoutMs: 10_000, message: () => 'no release' });
    const second = subscribe();
    subscriptions.push(second);
    await sleep(50);
    second.unsubscribe();
    await sleep(50);
    const third = subscribe();
    subscriptions.push(third);
    // Room for the third run to list the shards and ask for the lease, had it started.
    await sleep(1500);
    expect(count('consumer-started')).toBe(1);
    expect(count('lease-unavailable')).toBe(0);

    third.unsubscribe();
    let stopped = false;
    const allStopped = consumer.stopped().then(() => (stopped = true));
    await sleep(300);
    expect(stopped).toBe(false);

    release();
    await allStopped;
    expect(count('lease-released')).toBe(1);
    expect(await checkpointer.acquireLease(streamName, 'shardId-000000000000', 'someone-else')).toBeDefined();
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    release();
    await consumer.stopped();
  }
});
