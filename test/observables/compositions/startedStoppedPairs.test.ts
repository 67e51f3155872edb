// Case: a dashboard counts consumer-started/consumer-stopped pairs of events$. A run subscribed
// while an earlier run was still stopping, and unsubscribed before it could start (a switchMap()
// to the same consumer, a retry() whose pipeline failed at once), used to emit consumer-stopped
// with no consumer-started, and before the earlier run's own consumer-stopped: the counts showed
// one run fewer running than stopped, and the earlier run seemed to stop twice. A run emits
// consumer-stopped only when it emitted consumer-started; a run that never started emits neither.
import { concatMap, map, timer, type Subscription } from 'rxjs';
import { checkpoint, fromKinesis, type ConsumerEvent } from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { heldReleases } from '../../support/heldReleases.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

test('a run unsubscribed before it started emits no consumer-stopped; every consumer-started is followed by one', async () => {
  const streamName = uniqueStreamName('started-stopped-pairs');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putRecords(client, streamName, numbers(5));
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
  const eventsSubscription = consumer.events$.subscribe((event) => events.push(event));
  const lifecycle = (): string[] =>
    events
      .filter((event) => event.type === 'consumer-started' || event.type === 'consumer-stopped')
      .map((event) => event.type);
  const subscribe = (): Subscription =>
    consumer
      .pipe(
        concatMap((record) => timer(1).pipe(map(() => record))),
        checkpoint({ batchSize: 1, intervalMs: 0 }),
      )
      .subscribe();
  const acquired = (n: number) =>
    waitFor(() => events.filter((event) => event.type === 'lease-acquired').length === n, {
      timeoutMs: 30_000,
      message: () => `events: ${events.map((event) => event.type).join(', ')}`,
    });

  const subscriptions: Subscription[] = [];
  try {
    const first = subscribe();
    subscriptions.push(first);
    await acquired(1);
    first.unsubscribe();
    // The first run's release is under way (held back by the checkpointer).
    await waitFor(() => checkpointer.releaseCalls === 1, { timeoutMs: 10_000, message: () => 'no release' });
    // The second run waits for the first one to stop, and is unsubscribed before it starts.
    const second = subscribe();
    subscriptions.push(second);
    second.unsubscribe();
    release();
    await consumer.stopped();
    expect(lifecycle()).toEqual(['consumer-started', 'consumer-stopped']);

    // A run after them starts and stops as one pair.
    const third = subscribe();
    subscriptions.push(third);
    await acquired(2);
    third.unsubscribe();
    await consumer.stopped();
    expect(lifecycle()).toEqual([
      'consumer-started',
      'consumer-stopped',
      'consumer-started',
      'consumer-stopped',
    ]);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    release();
    await consumer.stopped();
    eventsSubscription.unsubscribe();
  }
});
