// Case: a record of six JSON lines whose item 2 never finishes, the pipeline unsubscribed while it
// is at work: concatMap() before an ordered checkpoint() (items 0 and 1 done), and the concurrent
// mode (items 0, 1, 3, 4 and 5 done, out of order). The unsubscription writes what was finished:
// the position of item 1, never item 2 or anything after it, so the next run starts at item 2.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  concatMap,
  from,
  lastValueFrom,
  map,
  NEVER,
  take,
  toArray,
  type Observable,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
  type KinesisItem,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { waitFor } from '../../support/streamRecords.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';
type Item = KinesisItem<number>;

/** Work that finishes every item but 2. */
const work =
  (handled: number[]) =>
  (item: Item): Observable<Item> =>
    item.data === 2
      ? NEVER
      : from(Promise.resolve(item)).pipe(
          map((done) => {
            handled.push(done.data);
            return done;
          }),
        );

test.each<[string, (handled: number[]) => OperatorFunction<Item, Item>, number]>([
  [
    'concatMap() before an ordered checkpoint()',
    (handled) => (items) => items.pipe(concatMap(work(handled)), checkpoint({ batchSize: 1, intervalMs: 0 })),
    2,
  ],
  [
    'checkpoint() in concurrent mode',
    (handled) => (items) =>
      items.pipe(
        checkpoint({
          mode: 'concurrent',
          process: work(handled),
          concurrency: 8,
          batchSize: 1,
          intervalMs: 0,
        }),
      ),
    5,
  ],
])(
  '%s, unsubscribed with item 2 at work: item 1 stored, the next run starts at item 2',
  async (_name, pipeline, finished) => {
    const streamName = uniqueStreamName('unsubscribe-inside-record');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const { SequenceNumber: sequenceNumber } = await client.send(
      new PutRecordCommand({
        StreamName: streamName,
        PartitionKey: 'k',
        Data: Buffer.from([0, 1, 2, 3, 4, 5].map((value) => `${value}\n`).join('')),
      }),
    );
    client.destroy();
    const checkpointer = new MemoryCheckpointer();
    const start = () =>
      fromKinesis({
        streamName,
        ...pollingConnection(kinesis),
        processor: jsonLineProcessor(),
        checkpointer,
      });

    const consumer = start();
    const handled: number[] = [];
    let subscription: Subscription | undefined;
    try {
      subscription = consumer.pipe(deserialize<number>(), pipeline(handled)).subscribe();
      await waitFor(() => handled.length === finished, {
        timeoutMs: 20_000,
        message: () => `handled ${handled.join(',')}`,
      });
    } finally {
      subscription?.unsubscribe();
      await consumer.stopped();
    }
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber, subSequenceNumber: 1 },
    });

    const next = start();
    try {
      const items = await lastValueFrom(
        next.pipe(
          deserialize<number>(),
          checkpoint({ intervalMs: 0 }),
          take(4),
          map((item) => item.data),
          toArray(),
        ),
      );
      expect(items).toEqual([2, 3, 4, 5]);
    } finally {
      await next.stopped();
    }
  },
);
