// Case: positions advanced only by dropped items are written while the consumer runs. 2,000
// records are all dropped (by checkpointFilter(), or because they yield no item in deserialize());
// drops count toward checkpoint()'s intervalMs and batchSize, so the stored position reaches the
// end of what was dropped within a few intervals (or within batchSize records), not only at stop.
// Once nothing was stored until stop (2,000 drops with intervalMs 200 left nothing after 2.5 s),
// so a crash replayed them without bound.
import { tap, type Observable, type Subscription } from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  jsonListProcessor,
  MemoryCheckpointer,
  type CheckpointOptions,
  type KinesisItem,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { putRecords, waitFor, type WrittenRecord } from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const COUNT = 2000;
const SHARD = 'shardId-000000000000';

interface DropKind {
  /** What each record holds. */
  readonly data: string;
  /** The pipeline between fromKinesis() and checkpoint(); calls `seen` once per record. */
  readonly pipeline: (
    consumer: Observable<KinesisRecord>,
    seen: () => void,
  ) => Observable<KinesisItem<unknown>>;
}

const dropKinds: Record<string, DropKind> = {
  'dropped by checkpointFilter()': {
    data: '[1]',
    pipeline: (consumer, seen) =>
      consumer.pipe(
        deserialize(jsonListProcessor()),
        checkpointFilter(() => {
          seen();
          return false;
        }),
      ),
  },
  'yielding no item in deserialize()': {
    data: '[]',
    pipeline: (consumer, seen) => consumer.pipe(tap(seen), deserialize(jsonListProcessor())),
  },
};

interface Trigger {
  readonly options: CheckpointOptions<KinesisItem<unknown>>;
  /** The least position that must be stored once every record was dropped. */
  readonly atLeast: (written: readonly WrittenRecord[]) => WrittenRecord;
}

const triggers: Record<string, Trigger> = {
  'intervalMs 200': {
    options: { intervalMs: 200, batchSize: 1_000_000 },
    atLeast: (written) => written[written.length - 1] as WrittenRecord,
  },
  'batchSize 100': {
    options: { intervalMs: 0, batchSize: 100 },
    atLeast: (written) => written[written.length - 100] as WrittenRecord,
  },
};

const cases = Object.keys(dropKinds).flatMap((drop) =>
  Object.keys(triggers).map((trigger) => [drop, trigger]),
);

test.each(cases)('2,000 records %s are stored by %s while the consumer runs', async (drop, trigger) => {
  const kind = dropKinds[drop as string] as DropKind;
  const { options, atLeast } = triggers[trigger as string] as Trigger;
  const streamName = uniqueStreamName('drops-committed');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const written = await putRecords(
    client,
    streamName,
    Array.from({ length: COUNT }, () => kind.data),
  );
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer,
  });
  let seen = 0;
  let subscription: Subscription | undefined;
  try {
    subscription = kind
      .pipeline(consumer, () => (seen += 1))
      .pipe(checkpoint(options))
      .subscribe();
    await waitFor(() => seen >= COUNT, {
      timeoutMs: 30_000,
      message: () => `the pipeline saw ${seen} of ${COUNT} records`,
    });
    const least = BigInt(atLeast(written).sequenceNumber);
    let stored: unknown;
    await waitFor(
      async () => {
        const checkpoint = await checkpointer.getCheckpoint(streamName, SHARD);
        stored = checkpoint;
        return checkpoint?.kind === 'position' && BigInt(checkpoint.position.sequenceNumber) >= least;
      },
      {
        timeoutMs: 15_000,
        message: () =>
          `all ${COUNT} records were dropped, and the stored checkpoint is ${JSON.stringify(stored)}; ` +
          `expected a position at or after ${least}`,
      },
    );
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
