// Case: `take(1)` (or `first()`) before `deserialize()`, with asynchronous work and checkpoint()
// after it, on a record of more items than `maxItemsAhead`. The take ends the subscription to
// the consumer after one record, while deserialize() still holds most of that record's items
// back (it lets them out as earlier ones settle). Every item of the record must still be
// handled, the whole record stored (not a position inside it), and stopped() resolve. And
// `take(3)` after `deserialize()`: the run ends with the position of the third item stored.
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { concatMap, first, from, lastValueFrom, map, take, toArray, type OperatorFunction } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  MemoryCheckpointer,
  type KinesisRecord,
} from '../../../src/index.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';
const LINES = 12;

test.each<[string, OperatorFunction<KinesisRecord, KinesisRecord>]>([
  ['take(1)', take(1)],
  ['first()', first()],
])(
  '%s before deserialize({ maxItemsAhead: 3 }) and async work: every item handled, the whole record stored',
  async (_name, end) => {
    const streamName = uniqueStreamName('take-before-deserialize');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const put = (values: number[]) =>
      client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: 'k',
          Data: Buffer.from(values.map((value) => `${value}\n`).join('')),
        }),
      );
    const { SequenceNumber: first } = await put(Array.from({ length: LINES }, (_, i) => i));
    await put([100, 101]);
    client.destroy();

    const checkpointer = new MemoryCheckpointer();
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      processor: jsonLineProcessor(),
      checkpointer,
    });
    let handled: number[];
    try {
      handled = await lastValueFrom(
        consumer.pipe(
          end,
          deserialize<number>({ maxItemsAhead: 3 }),
          concatMap((item) => from(Promise.resolve(item))),
          checkpoint({ intervalMs: 0 }),
          map((item) => item.data),
          toArray(),
        ),
      );
    } finally {
      await consumer.stopped();
    }
    expect(handled).toEqual(Array.from({ length: LINES }, (_, i) => i));
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: first },
    });
  },
);

test('take(3) after deserialize(), before async work: the three items handled, the position stored inside the record', async () => {
  const streamName = uniqueStreamName('take-inside-record');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const { SequenceNumber: first } = await client.send(
    new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.from(Array.from({ length: LINES }, (_, i) => `${i}\n`).join('')),
    }),
  );
  client.destroy();
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    processor: jsonLineProcessor(),
    checkpointer,
  });
  let handled: number[];
  try {
    handled = await lastValueFrom(
      consumer.pipe(
        deserialize<number>({ maxItemsAhead: 3 }),
        take(3),
        concatMap((item) => from(Promise.resolve(item))),
        checkpoint({ intervalMs: 0 }),
        map((item) => item.data),
        toArray(),
      ),
    );
  } finally {
    await consumer.stopped();
  }
  expect(handled).toEqual([0, 1, 2]);
  expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
    kind: 'position',
    position: { sequenceNumber: first, subSequenceNumber: 2 },
  });
});
