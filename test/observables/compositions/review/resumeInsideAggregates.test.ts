// Case: KPL-aggregated records mixed with plain and hostile records, read by one restarted
// consumer after another (a new fromKinesis() per run, one MemoryCheckpointer), each run ending
// itself after a few items with take() placed before or after checkpoint(), with drops
// (checkpointFilter) and dead-lettered records in between. Each run must resume exactly after
// the last item the previous one passed, inside an aggregated record too: no item is lost,
// none of the ordered runs repeats one, and the dead-lettered records are handed over once.
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { lastValueFrom, map, toArray, take, type OperatorFunction } from 'rxjs';
import {
  checkpoint,
  checkpointFilter,
  deserialize,
  fromKinesis,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
  type KinesisItem,
  type KinesisRecord,
  type RecordDecodeError,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);

const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

async function put(client: KinesisClient, streamName: string, data: Uint8Array): Promise<string> {
  const out = await client.send(
    new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: data }),
  );
  return out.SequenceNumber as string;
}

function kplRecord(values: readonly number[]): Uint8Array {
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (const value of values) {
    expect(accumulator.add({ data: Buffer.from(JSON.stringify(value)), partitionKey: 'k' })).toBeUndefined();
  }
  const record = accumulator.flush();
  if (record === undefined) throw new Error('no record');
  return record.data;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test('runs ended by take() resume inside aggregated records; drops and dead letters in between lose nothing', async () => {
  const streamName = uniqueStreamName('resume-inside-kpl');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const hostile: string[] = [];
  await put(client, streamName, kplRecord(range(0, 10)));
  await put(client, streamName, Buffer.from('10'));
  // The KPL magic, then garbage: not a KPL record, not JSON either.
  hostile.push(await put(client, streamName, Buffer.from([0xf3, 0x89, 0x9a, 0xc2, 0xff, 0x00, 0x12, 0x07])));
  await put(client, streamName, kplRecord(range(11, 21)));
  // Invalid UTF-8.
  hostile.push(await put(client, streamName, Buffer.from([0x22, 0xc3, 0x28, 0x22])));
  await put(client, streamName, kplRecord(range(21, 26)));
  client.destroy();

  const checkpointer = new MemoryCheckpointer();
  const deadLetters: string[] = [];
  const decode = (): OperatorFunction<KinesisRecord, KinesisItem<number>> =>
    deserialize<number>({
      onDecodeError: (_error: RecordDecodeError, record) => void deadLetters.push(record.sequenceNumber),
    });
  const run = async (pipeline: OperatorFunction<KinesisRecord, KinesisItem<number>>): Promise<number[]> => {
    const consumer = fromKinesis({
      streamName,
      ...pollingConnection(kinesis),
      processor: kplJsonProcessor(),
      checkpointer,
    });
    try {
      return await lastValueFrom(
        consumer.pipe(
          pipeline,
          map((item) => item.data),
          toArray(),
        ),
      );
    } finally {
      await consumer.stopped();
    }
  };
  const stored = async () => {
    const at = await checkpointer.getCheckpoint(streamName, SHARD);
    return at?.kind === 'position' ? at.position.subSequenceNumber : at?.kind;
  };

  const ordered = { intervalMs: 0 };
  // take() before checkpoint(): the items it lets through are all that pass.
  const first = await run((records) => records.pipe(decode(), take(3), checkpoint(ordered)));
  expect(first).toEqual([0, 1, 2]);
  expect(await stored()).toBe(2);
  // take() after checkpoint().
  const second = await run((records) => records.pipe(decode(), checkpoint(ordered), take(4)));
  expect(second).toEqual([3, 4, 5, 6]);
  // Odd items dropped; the run ends on an item of the second aggregated record.
  const third = await run((records) =>
    records.pipe(
      decode(),
      checkpointFilter((item) => item.data % 2 === 0),
      checkpoint(ordered),
      take(4),
    ),
  );
  expect(third).toEqual([8, 10, 12, 14]);
  expect(await stored()).toBe(3);
  // The rest, through the invalid UTF-8 record, to the last item.
  const rest = await run((records) => records.pipe(decode(), checkpoint(ordered), take(11)));
  expect(rest).toEqual(range(15, 26));
  expect(deadLetters).toEqual(hostile);
});
