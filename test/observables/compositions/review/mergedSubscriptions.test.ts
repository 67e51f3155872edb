// Case: records routed by kind to two handlers without share()/partition(): each handler
// subscribes to the consumer itself (its own ledger, as the README advises), drops the other
// kind with checkpointFilter(), and the two branches are merged into ONE checkpoint(). The
// consumer settles each subscriber's records apart, so a faster branch passing later records
// is safe: checkpoint() must not raise OutOfOrderCheckpointError for it (ordered mode), and must
// settle every branch's records (concurrent mode), so the last record's position gets written.
import { concatMap, map, merge, timer, type Observable, type Subscription } from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { SpyCheckpointer } from '../../../support/spyCheckpointer.js';
import {
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
} from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

type Event = { kind: 'order' | 'refund'; n: number };
const COUNT = 20;
const SHARD = 'shardId-000000000000';

async function run(mode: 'ordered' | 'concurrent') {
  const streamName = uniqueStreamName(`merged-${mode}`);
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const data = Array.from({ length: COUNT }, (_, n) =>
    JSON.stringify({ kind: n % 2 === 0 ? 'order' : 'refund', n }),
  );
  const written = await putRecords(client, streamName, data);
  client.destroy();
  const processed = new ProcessedLedger();
  const checkpointer = new SpyCheckpointer(new MemoryCheckpointer(), {
    snapshot: (shardId) => processed.snapshot(shardId),
  });
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), checkpointer });
  // Orders are slow, refunds fast: a refund after an order is done first.
  const work = (item: KinesisItem<Event>): Observable<KinesisItem<Event>> =>
    timer(item.data.kind === 'order' ? 60 : 5).pipe(
      map(() => {
        processed.add(item.shardId, item.sequenceNumber);
        return item;
      }),
    );
  const branch = (kind: Event['kind']): Observable<KinesisItem<Event>> => {
    const items = consumer.pipe(
      deserialize<Event>(),
      checkpointFilter((item) => item.data.kind === kind),
    );
    return mode === 'ordered' ? items.pipe(concatMap(work)) : items;
  };
  const merged = merge(branch('order'), branch('refund'));
  const settled =
    mode === 'ordered'
      ? merged.pipe(checkpoint({ batchSize: 1, intervalMs: 0 }))
      : merged.pipe(
          checkpoint({ mode: 'concurrent', concurrency: 4, batchSize: 1, intervalMs: 0, process: work }),
        );
  let failure: unknown;
  let subscription: Subscription | undefined;
  try {
    subscription = settled.subscribe({ error: (error: unknown) => (failure = error) });
    await waitFor(() => failure !== undefined || processed.size === COUNT, {
      timeoutMs: 45_000,
      message: () => `processed ${processed.size} of ${COUNT}`,
    });
    // While both branches are still subscribed (leaving gives a subscriber's claims up), the
    // last record's position is written: every record was settled for both.
    const last = written[COUNT - 1]?.sequenceNumber;
    await waitFor(
      () =>
        failure !== undefined ||
        checkpointer.writes.some((w) => w.position !== 'SHARD_END' && w.position.sequenceNumber === last),
      {
        timeoutMs: 20_000,
        message: () => `the last record's position was not written: ${JSON.stringify(checkpointer.writes)}`,
      },
    );
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
  }
  return { failure, written, checkpointer, streamName };
}

test.each(['ordered', 'concurrent'] as const)(
  'two direct subscriptions merged into one %s checkpoint(): no error, nothing stored ahead, the last record stored',
  async (mode) => {
    const { failure, written, checkpointer, streamName } = await run(mode);
    expect(failure).toBeUndefined();
    expect(writesAheadOfProcessing(checkpointer.writes, written)).toEqual([]);
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: written[COUNT - 1]?.sequenceNumber },
    });
  },
);
