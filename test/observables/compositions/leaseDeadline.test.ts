// Case: a lease deadline is enforced whatever the checkpointer. Two fromKinesis() workers share one
// MemoryCheckpointer (through SpyCheckpointer wrappers); worker A's lease renewals start failing
// (a transient error, not LeaseLostError). Once A's lease deadline passes, A must stop the shard at
// once (and report lease-lost): records written after worker B took the lease are processed by B
// only. Once a plain Checkpointer enforced no deadline, and A kept reading after B took the shard
// (the same 10 records processed by both).
import { type Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  type ConsumerEvent,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { SpyCheckpointer } from '../../support/spyCheckpointer.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

test('a worker whose renewals fail stops its shard at the lease deadline: no record is processed by both workers', async () => {
  const streamName = uniqueStreamName('lease-deadline');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const shared = new MemoryCheckpointer({ leaseDurationMs: 1500 });
  let renewalsFail = false;
  const forA = new SpyCheckpointer(shared, {
    beforeRenew: async () => {
      if (renewalsFail) throw new Error('checkpoint store unreachable (test)');
    },
  });
  const forB = new SpyCheckpointer(shared);
  const base = {
    streamName,
    ...pollingConnection(kinesis),
    shardRefreshInterval: 200,
  };
  const a = fromKinesis({ ...base, checkpointer: forA, workerId: 'worker-a' });
  const b = fromKinesis({ ...base, checkpointer: forB, workerId: 'worker-b' });
  const aEvents: ConsumerEvent[] = [];
  const bEvents: ConsumerEvent[] = [];
  const errors: unknown[] = [];
  const subscriptions: Subscription[] = [
    a.events$.subscribe((e) => aEvents.push(e)),
    b.events$.subscribe((e) => bEvents.push(e)),
  ];
  const byA: string[] = [];
  const byB: string[] = [];
  try {
    // A owns the shard and processes what is there.
    const before = await putRecords(client, streamName, numbers(10));
    subscriptions.push(
      a
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byA.push(text(r)), error: (e) => errors.push(e) }),
    );
    await waitFor(() => before.every((r) => byA.includes(r.data)), {
      timeoutMs: 30_000,
      message: () => `worker A processed ${byA.length} of ${before.length} records`,
    });

    // A's renewals fail from now on; B joins and takes the shard once A's lease has run out.
    renewalsFail = true;
    subscriptions.push(
      b
        .pipe(checkpoint({ batchSize: 1 }))
        .subscribe({ next: (r) => byB.push(text(r)), error: (e) => errors.push(e) }),
    );
    await waitFor(() => bEvents.some((e) => e.type === 'lease-acquired'), {
      timeoutMs: 30_000,
      message: () => `worker B never acquired the lease (events: ${bEvents.map((e) => e.type).join(', ')})`,
    });

    // Records written after the takeover belong to B alone.
    const after = await putRecords(client, streamName, numbers(10, 100));
    await waitFor(() => after.every((r) => byB.includes(r.data)), {
      timeoutMs: 30_000,
      message: () =>
        `worker B processed ${after.filter((r) => byB.includes(r.data)).length} of the 10 new records`,
    });
    // Give a worker that wrongly kept reading the time to show it (not an assertion on timing:
    // a correct worker A reads nothing more, however long this wait).
    await waitFor(() => after.every((r) => byA.includes(r.data)), {
      timeoutMs: 3000,
      message: () => '',
    }).catch(() => undefined);

    expect(after.filter((r) => byA.includes(r.data)).map((r) => r.data)).toEqual([]);
    // A said so (it may have lost the lease more than once if it took it back before B did).
    expect(
      aEvents.filter((e) => e.type === 'lease-lost').map((e) => (e as { shardId: string }).shardId),
    ).toContain('shardId-000000000000');
    expect(errors).toEqual([]);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await a.stopped();
    await b.stopped();
    client.destroy();
  }
});
