// A worker whose timers run late (a stalled event loop) past its lease's deadline: another worker
// of the group takes the shard, subscribes and so takes the late worker's subscription over. The
// late worker must count that as its lease lost (as it would have at the deadline), not fail with
// SubscriptionTakenOverError, which is meant for a second application reading as the same
// consumer. Against the embedded local Kinesis; the late worker's clock is moved ahead without
// firing its timers (FastForwardScheduler.stall).
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { FastForwardScheduler } from '../../support/fastForwardScheduler.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

jest.setTimeout(60_000);

const LEASE_MS = 60_000;

test('a subscription taken over by the next owner of a lease that ran out while timers were late is a lost lease, not an error', async () => {
  // takeoverAfterMs 0: the new owner's call takes the open subscription over at once.
  const kinesis = await startFanOutKinesis({ efo: { takeoverAfterMs: 0 } });
  const client = kinesis.createClient();
  const subscriptions: Subscription[] = [];
  const late = new FastForwardScheduler();
  // One store for the group, on the late worker's clock: once that clock passes the lease's
  // end, the store lets the other worker take the shard.
  const shared = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => late.now() });
  const options = { shardRefreshInterval: 200, checkpointer: shared };
  const streamName = uniqueStreamName('efo-late');
  const a = fromKinesis(
    fanOutOptions(kinesis, streamName, 'app', { ...options, workerId: 'a', scheduler: late }),
  );
  const b = fromKinesis(fanOutOptions(kinesis, streamName, 'app', { ...options, workerId: 'b' }));
  try {
    await kinesis.createStream(streamName, 1);
    const aEvents: ConsumerEvent[] = [];
    const byA: string[] = [];
    const byB: string[] = [];
    const errors: unknown[] = [];
    subscriptions.push(
      a.events$.subscribe((event) => aEvents.push(event)),
      a
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byA.push(text(r)), error: (e) => errors.push(e) }),
    );
    await putRecords(client, streamName, numbers(10));
    await waitFor(() => byA.length === 10, {
      timeoutMs: 30_000,
      message: () => `A read ${byA.length} of 10`,
    });
    expect(kinesis.subscriptions({ streamName, consumerName: 'app' })).toHaveLength(1);

    // A's event loop stalls past its lease's end: its clock moves, none of its timers fires.
    late.stall(LEASE_MS + 1000);
    subscriptions.push(
      b
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byB.push(text(r)), error: (e) => errors.push(e) }),
    );
    // B takes the shard and subscribes: A's subscription ends with ResourceInUseException.
    await waitFor(() => kinesis.stats.fanOutTakenOverSubscriptions === 1, {
      timeoutMs: 30_000,
      message: () => `no takeover (${kinesis.stats.fanOutSubscriptions} subscriptions)`,
    });
    await waitFor(() => errors.length > 0 || aEvents.some((event) => event.type === 'lease-lost'), {
      timeoutMs: 10_000,
      message: () => `A neither failed nor lost its lease (${aEvents.map((e) => e.type).join(', ')})`,
    });
    expect(errors).toEqual([]);
    expect(aEvents.filter((event) => event.type === 'lease-lost').map((event) => event.shardId)).toEqual([
      'shardId-000000000000',
    ]);
    // The group reads on: B gets what is written next, A nothing of it.
    await putRecords(client, streamName, numbers(10, 10));
    await waitFor(() => byB.includes('19'), { timeoutMs: 30_000, message: () => `B read ${byB.join(',')}` });
    expect(byA.filter((value) => Number(value) >= 10)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await Promise.all([a.stopped(), b.stopped()]);
    client.destroy();
    await kinesis.close();
  }
});
