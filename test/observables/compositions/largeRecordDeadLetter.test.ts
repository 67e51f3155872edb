// Case: a record of more than 1000 items is decoded item by item as its items go out, so an item
// that cannot be decoded is found after earlier items were emitted. With onDecodeError that item
// is dead-lettered alone: the record's other items are emitted, the bad one is settled, and the
// shard's checkpoint moves past the record. Without the hook the stream errors naming the item.
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, firstValueFrom, map, of, take, timer, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
  RecordDecodeError,
  type KinesisItem,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { waitFor } from '../../support/streamRecords.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();

const ITEMS = 2000;
const BAD = 1500;

/** Puts one KPL record of ITEMS JSON numbers, item BAD not JSON, then one plain record "after". */
async function putLargeRecordThenOne(client: KinesisClient, streamName: string): Promise<string> {
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (let i = 0; i < ITEMS; i += 1) {
    const data = Buffer.from(i === BAD ? '{not json' : JSON.stringify(i));
    expect(accumulator.add({ data, partitionKey: 'k' })).toBeUndefined();
  }
  const record = accumulator.flush();
  if (record === undefined) throw new Error('no record');
  await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: record.partitionKey, Data: record.data }),
  );
  const after = await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('"after"') }),
  );
  return after.SequenceNumber as string;
}

test('onDecodeError dead-letters one bad item of a large record; the others go out and the checkpoint moves past it', async () => {
  const streamName = uniqueStreamName('large-dead-letter');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const afterSequence = await putLargeRecordThenOne(client, streamName);
  client.destroy();

  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: kplJsonProcessor(),
    checkpointer,
  });
  const deadLettered: RecordDecodeError[] = [];
  const items = await firstValueFrom(
    consumer.pipe(
      deserialize<number | string>({
        maxItemsAhead: 300,
        // An asynchronous hook: later items wait for it, so nothing is reordered.
        onDecodeError: async (error) => {
          await firstValueFrom(timer(5));
          deadLettered.push(error);
        },
      }),
      // Asynchronous work on some items.
      concatMap((item: KinesisItem<number | string>) =>
        item.subSequenceNumber % 400 === 0 ? timer(1).pipe(map(() => item)) : of(item),
      ),
      checkpoint({ batchSize: 100 }),
      take(ITEMS),
      toArray(),
    ),
  );
  try {
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]).toBeInstanceOf(RecordDecodeError);
    expect(deadLettered[0]?.message).toContain(`${BAD}`);
    const numbers = items.slice(0, ITEMS - 1).map((item) => item.data);
    expect(numbers).toEqual(Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i !== BAD));
    expect(items.at(-1)?.data).toBe('after');
    // The bad item held nothing back: the last position stored is the record after the large one.
    await waitFor(
      async () => {
        const stored = await checkpointer.getCheckpoint(streamName, 'shardId-000000000000');
        return stored?.kind === 'position' && stored.position.sequenceNumber === afterSequence;
      },
      { timeoutMs: 20_000, message: () => 'the checkpoint never reached the record after the large one' },
    );
  } finally {
    await consumer.stopped();
  }
});

test('without onDecodeError a bad item of a large record errors the stream with a RecordDecodeError naming it', async () => {
  const streamName = uniqueStreamName('large-decode-error');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putLargeRecordThenOne(client, streamName);
  client.destroy();

  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), processor: kplJsonProcessor() });
  let emitted = 0;
  const error = await firstValueFrom(
    consumer.pipe(
      deserialize<number>(),
      map(() => {
        emitted += 1;
        return undefined;
      }),
      toArray(),
    ),
  ).catch((e: unknown) => e);
  await consumer.stopped();
  expect(error).toBeInstanceOf(RecordDecodeError);
  expect((error as RecordDecodeError).message).toContain(`${BAD}`);
  expect(emitted).toBe(BAD);
});
