// Case: hostile records read by `fromKinesis() + deserialize() + concatMap(work) + checkpoint()`
// without a dead-letter hook, for each processor: empty data, invalid JSON, non-UTF-8 bytes in a
// JSON lines record, a bad netstring and an invalid msgpack value, a KPL record whose checksum
// is wrong. The pipeline errors with a RecordDecodeError naming the stream, shard and sequence
// number of the bad record (no credential in it), the position stored is the record before it
// (never past it), and a restart from the checkpointer's state delivers that record again; a
// restart with onDecodeError hands it to the hook once and delivers every record after it.
// A bad item in the middle of a KPL record of more than 1000 items (decoded item by item): the
// position stored is inside the record, never at or past the bad item, each restart resumes
// right after it, and with the hook only the bad item is left out.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { concatMap, from, lastValueFrom, map, take, takeWhile, tap, timer, toArray } from 'rxjs';
import {
  checkpoint,
  deserialize,
  fromKinesis,
  jsonLineProcessor,
  jsonProcessor,
  kplAggregator,
  kplJsonProcessor,
  MemoryCheckpointer,
  msgpackProcessor,
  RecordDecodeError,
  type KinesisItem,
  type KinesisRecord,
  type Processor,
} from '../../../../src/index.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { pollingConnection } from '../../../support/pollingConnection.js';
import { waitFor } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

jest.setTimeout(90_000);
const kinesis = useTestKinesis();
const SHARD = 'shardId-000000000000';

/** A KPL record of the items `items` (serialized already); `corrupt` flips a byte of its MD5. */
function kpl(items: readonly string[], corrupt: boolean): Buffer {
  const accumulator = kplAggregator().createAccumulator(1024 * 1024);
  for (const item of items) accumulator.add({ data: Buffer.from(item), partitionKey: 'k' });
  const record = accumulator.flush();
  if (record === undefined) throw new Error('no KPL record');
  const data = Buffer.from(record.data);
  if (corrupt) data[data.length - 1] = (data[data.length - 1] as number) ^ 0xff;
  return data;
}

interface HostileCase {
  readonly name: string;
  readonly processor: () => Processor<unknown>;
  /** Each record's data; the one at index 2 is the bad one, the others hold one item each. */
  readonly records: readonly Buffer[];
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const cases: readonly HostileCase[] = [
  {
    name: 'json: empty data',
    processor: () => jsonProcessor(),
    records: [json(0), json(1), Buffer.alloc(0), json(3), json(4)],
  },
  {
    name: 'json: invalid JSON',
    processor: () => jsonProcessor(),
    records: [json(0), json(1), Buffer.from('{"a":'), json(3), json(4)],
  },
  {
    name: 'json lines: non-UTF-8 inside a string',
    processor: () => jsonLineProcessor(),
    records: [
      Buffer.from('0\n'),
      Buffer.from('1\n'),
      Buffer.concat([Buffer.from('"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"\n')]),
      Buffer.from('3\n'),
      Buffer.from('4\n'),
    ],
  },
  {
    name: 'msgpack: a bad netstring',
    processor: () => msgpackProcessor(),
    records: [
      Buffer.from([0x31, 0x3a, 0x00, 0x2c]),
      Buffer.from([0x31, 0x3a, 0x01, 0x2c]),
      Buffer.from('5:ab,'),
      Buffer.from([0x31, 0x3a, 0x03, 0x2c]),
      Buffer.from([0x31, 0x3a, 0x04, 0x2c]),
    ],
  },
  {
    name: 'msgpack: a truncated value',
    processor: () => msgpackProcessor(),
    records: [
      Buffer.from([0x31, 0x3a, 0x00, 0x2c]),
      Buffer.from([0x31, 0x3a, 0x01, 0x2c]),
      Buffer.from([0x32, 0x3a, 0x92, 0x01, 0x2c]),
      Buffer.from([0x31, 0x3a, 0x03, 0x2c]),
      Buffer.from([0x31, 0x3a, 0x04, 0x2c]),
    ],
  },
  {
    name: 'kpl: a wrong checksum',
    processor: () => kplJsonProcessor(),
    records: [json(0), json(1), kpl(['2', '2.5'], true), json(3), json(4)],
  },
  {
    name: 'kpl: an item that is not JSON in the middle of an aggregate',
    processor: () => kplJsonProcessor(),
    records: [kpl(['0'], false), json(1), kpl(['2', '{"a":', '2.5'], false), json(3), kpl(['4'], false)],
  },
];

async function createStream(name: string): Promise<string> {
  const streamName = uniqueStreamName(name);
  await kinesis.createStream(streamName, 1);
  return streamName;
}

/** Writes `records` in order (one partition key); returns their sequence numbers. */
async function write(streamName: string, records: readonly Buffer[]): Promise<string[]> {
  const client = kinesis.createClient();
  try {
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: records.map((Data) => ({ PartitionKey: 'k', Data })),
      }),
    );
    expect(output.FailedRecordCount ?? 0).toBe(0);
    return (output.Records ?? []).map((entry) => entry.SequenceNumber ?? '');
  } finally {
    client.destroy();
  }
}

test.each(cases)(
  '$name: typed error naming the record, nothing committed past it, redelivered on restart',
  async ({ name, processor, records }) => {
    const streamName = await createStream(name.replace(/[^a-z]+/g, '-'));
    const sequences = await write(streamName, records.slice(0, 2));
    const checkpointer = new MemoryCheckpointer();
    const connection = pollingConnection(kinesis);
    const handled: number[] = [];
    const run = (onDecodeError?: (error: RecordDecodeError, record: KinesisRecord) => void) => {
      const consumer = fromKinesis({ streamName, ...connection, checkpointer });
      const done = lastValueFrom(
        consumer.pipe(
          deserialize<number>(
            processor() as Processor<number>,
            onDecodeError === undefined ? {} : { onDecodeError },
          ),
          concatMap((item: KinesisItem<number>) =>
            timer(5).pipe(
              map(() => {
                handled.push(item.data);
                return item;
              }),
            ),
          ),
          checkpoint({ intervalMs: 0 }),
          take(onDecodeError === undefined ? Number.POSITIVE_INFINITY : 2),
          toArray(),
        ),
      );
      return { consumer, done };
    };

    // First run: handles the good records, then errors on the bad one written after them.
    const first = run();
    await waitFor(() => handled.length === 2, {
      timeoutMs: 30_000,
      message: () => `handled ${handled.join()}`,
    });
    sequences.push(...(await write(streamName, records.slice(2))));
    const error = await first.done.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await first.consumer.stopped();
    expect(error).toBeInstanceOf(RecordDecodeError);
    const decodeError = error as RecordDecodeError;
    expect(decodeError.context).toMatchObject({ streamName, shardId: SHARD, sequenceNumber: sequences[2] });
    expect(decodeError.retriable).toBe(false);
    expect(decodeError.message).toContain(sequences[2] as string);
    expect(`${decodeError.message} ${String(decodeError.cause)}`).not.toContain(
      connection.credentials.secretAccessKey,
    );
    expect(handled).toEqual([0, 1]);
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: sequences[1] },
    });

    // A restart from the stored position meets the same record again.
    const second = run();
    await expect(second.done).rejects.toBeInstanceOf(RecordDecodeError);
    await second.consumer.stopped();
    expect(handled).toEqual([0, 1]);

    // With a dead-letter hook: the record goes to the hook once, everything after it is handled.
    const deadLetters: string[] = [];
    const third = run((_error, record) => void deadLetters.push(record.sequenceNumber));
    expect((await third.done).map((item) => item.data)).toEqual([3, 4]);
    await third.consumer.stopped();
    expect(deadLetters).toEqual([sequences[2]]);
    expect(handled).toEqual([0, 1, 3, 4]);
    expect(await checkpointer.getCheckpoint(streamName, SHARD)).toEqual({
      kind: 'position',
      position: { sequenceNumber: sequences[4] },
    });
  },
);

test('a bad item in the middle of a record of more than 1000 items: nothing committed past it, each restart resumes inside the record', async () => {
  const streamName = await createStream('large-aggregate-bad-item');
  const items = Array.from({ length: 2000 }, (_, i) => (i === 1500 ? '{"a":' : String(i)));
  const [sequence] = await write(streamName, [kpl(items, false)]);
  const checkpointer = new MemoryCheckpointer();
  const connection = pollingConnection(kinesis);
  const storedSub = async (): Promise<number | undefined> => {
    const stored = await checkpointer.getCheckpoint(streamName, SHARD);
    if (stored?.kind !== 'position') return undefined;
    expect(stored.position.sequenceNumber).toBe(sequence);
    return stored.position.subSequenceNumber;
  };
  /** One run: the items it handled, and the error it ended with (if any). */
  const run = async (onDecodeError?: (error: RecordDecodeError) => void) => {
    const consumer = fromKinesis({ streamName, ...connection, checkpointer });
    const handled: number[] = [];
    const error = await lastValueFrom(
      consumer.pipe(
        deserialize<number>(kplJsonProcessor(), onDecodeError === undefined ? {} : { onDecodeError }),
        // Every item's work completes asynchronously (a burst of hundreds of synchronous
        // completions queued in concatMap() behind an asynchronous one overflows RxJS's stack).
        concatMap((item: KinesisItem<number>) => from(Promise.resolve(item))),
        checkpoint({ intervalMs: 0 }),
        map((item) => item.data),
        tap((data) => handled.push(data)),
        takeWhile((data) => data < 1999),
      ),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await consumer.stopped();
    return { handled, error };
  };

  // The first run errors at the bad item, naming it; what passed before is stored, never more.
  const first = await run();
  expect(first.error).toBeInstanceOf(RecordDecodeError);
  expect((first.error as RecordDecodeError).context).toEqual({
    streamName,
    shardId: SHARD,
    sequenceNumber: sequence,
    subSequenceNumber: 1500,
  });
  expect(first.handled).toEqual(Array.from({ length: first.handled.length }, (_, i) => i));
  const afterFirst = await storedSub();
  expect(afterFirst).toBe(first.handled.at(-1));

  // The restart resumes inside the record right after it, and meets the bad item again.
  const second = await run();
  expect((second.error as RecordDecodeError).context.subSequenceNumber).toBe(1500);
  // (It may error before any work is done: the bad item is within maxItemsAhead of the resume.)
  const resumedAt = (afterFirst ?? -1) + 1;
  expect(second.handled).toEqual(Array.from({ length: second.handled.length }, (_, i) => resumedAt + i));
  const afterSecond = await storedSub();
  expect(afterSecond).toBe(second.handled.at(-1) ?? afterFirst);
  expect(afterSecond).toBeLessThan(1500);

  // With a dead-letter hook the bad item goes alone and the record's other items follow.
  const deadLetters: number[] = [];
  const third = await run(
    (decodeError) => void deadLetters.push(decodeError.context.subSequenceNumber ?? -1),
  );
  expect(third.error).toBeUndefined();
  expect(deadLetters).toEqual([1500]);
  const all = new Set([...first.handled, ...second.handled, ...third.handled]);
  expect(all.size).toBe(1999);
  expect(all.has(1500)).toBe(false);
});
