// A KPL item too large for an aggregated record (its framing and its key twice) but within the
// record limit as data + key goes as a plain record of its own, as the Java KPL sends it, through
// Producer and toKinesis(), on the text path (kplJsonProcessor) and the byte path
// (kplMsgpackProcessor), against the embedded Kinesis: read back in order by fromKinesis() +
// deserialize() and by aws-kinesis-agg, its report naming its record with subSequenceNumber 0.
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import {
  deserialize,
  fromKinesis,
  ItemTooLargeError,
  kplJsonProcessor,
  kplMsgpackProcessor,
  Producer,
  toKinesis,
  type DeliveryReport,
  type Processor,
} from '../../src/index.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { oracleDeaggregate } from '../processors/awsKinesisAgg.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(180_000);

const kinesis = useTestKinesis();

const MiB = 1024 * 1024;
const KEY = 'key-1';
const MAGIC = 'f3899ac2';

/** The largest data one item may have to be aggregated alone into a record of 1 MiB, with KEY. */
function largestAggregated(): number {
  const probe = kplAggregator().createAccumulator(10 * MiB);
  const data = 1_000_000;
  probe.add({ partitionKey: KEY, data: new Uint8Array(data) });
  return data + (MiB - probe.size);
}

interface Case {
  readonly name: string;
  readonly processor: () => Processor<string>;
  /** Bytes the serializer adds around a long string. */
  readonly framing: number;
}

const cases: Case[] = [
  { name: 'kplJsonProcessor (text path)', processor: () => kplJsonProcessor<string>(), framing: 2 },
  { name: 'kplMsgpackProcessor (byte path)', processor: () => kplMsgpackProcessor<string>(), framing: 5 },
];

/** Items around the boundary: their data sizes, and which one is refused. */
function boundaryItems(framing: number): { items: string[]; refused: number } {
  const ofSize = (bytes: number, fill: string) => fill.repeat(bytes - framing);
  const aggregated = largestAggregated();
  const items = [
    'first',
    ofSize(aggregated, 'a'), // just fits aggregated
    'second',
    ofSize(aggregated + 1, 'b'), // just over: a plain record
    ofSize(MiB - KEY.length, 'c'), // exactly 1 MiB as a plain record
    'third',
    ofSize(MiB - KEY.length + 1, 'd'), // over 1 MiB: refused
    'last',
  ];
  return { items, refused: 6 };
}

async function readBack(streamName: string, processor: Processor<string>, count: number) {
  const consumer = fromKinesis({ streamName, ...pollingConnection(kinesis), processor });
  try {
    return await firstValueFrom(consumer.pipe(deserialize<string>(), take(count), toArray()));
  } finally {
    await consumer.stopped();
  }
}

async function checkStream(
  streamName: string,
  processor: Processor<string>,
  framing: number,
  reports: DeliveryReport<string>[],
): Promise<void> {
  const { items, refused } = boundaryItems(framing);
  for (const item of items.filter((it) => it.length > 1000)) {
    expect(processor.serializer.serialize(item).byteLength).toBe(item.length + framing);
  }
  const delivered = reports.flatMap((r) => (r.status === 'delivered' ? [r] : []));
  const expected = items.filter((_, i) => i !== refused);
  expect(delivered.map((r) => r.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 7]);

  // As the raw records hold them: each large item fills a record of its own, the two too large
  // to aggregate plain; the refused item does not close the open record, so the last two share
  // one. aws-kinesis-agg reads every record.
  const reader = createKinesisClient({
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
  });
  const stored = await readStream(reader, streamName, 6);
  reader.destroy();
  const magic = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 4)).toString('hex') === MAGIC;
  expect(stored.map((r) => magic(r.bytes))).toEqual([true, true, true, false, false, true]);
  expect(stored.map((r) => r.bytes.byteLength + r.partitionKey.length).slice(3, 5)).toEqual([
    items[3]!.length + framing + KEY.length,
    MiB,
  ]);
  const oracle = stored.flatMap((r) =>
    oracleDeaggregate(r.bytes, r.partitionKey).map((user) => ({
      sequenceNumber: r.sequenceNumber,
      subSequenceNumber: user.subSequenceNumber ?? 0,
      partitionKey: user.partitionKey,
      data: processor.serializer.deserialize(Buffer.from(user.data, 'base64')),
    })),
  );
  expect(oracle.map((u) => u.data)).toEqual(expected);
  expect(oracle.map((u) => u.subSequenceNumber)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  expect(oracle.every((u) => u.partitionKey === KEY)).toBe(true);

  // Each report names the record and position that hold its item: subSequenceNumber 0 for a
  // plain record, as deserialize() and aws-kinesis-agg read it.
  const byIndex = new Map(delivered.map((r) => [r.index, r]));
  const kept = [0, 1, 2, 3, 4, 5, 7];
  kept.forEach((index, position) => {
    expect(byIndex.get(index)).toMatchObject({
      item: items[index],
      partitionKey: KEY,
      sequenceNumber: oracle[position]!.sequenceNumber,
      subSequenceNumber: oracle[position]!.subSequenceNumber,
    });
  });

  const read = await readBack(streamName, processor, expected.length);
  expect(read.map((item) => item.data)).toEqual(expected);
  expect(read.map((item) => [item.sequenceNumber, item.subSequenceNumber, item.partitionKey])).toEqual(
    oracle.map((u) => [u.sequenceNumber, u.subSequenceNumber, KEY]),
  );
  expect(read.map((item) => item.subRecordCount)).toEqual([1, 1, 1, 1, 1, 2, 2]);
}

describe.each(cases)('KPL items too large to aggregate, $name', ({ processor, framing }) => {
  it('Producer sends them as plain records, in order, and refuses one over 1 MiB', async () => {
    const streamName = uniqueStreamName('kpl-plain-producer');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<string>({
      streamName,
      client,
      processor: processor(),
      partitionKey: () => KEY,
    });
    const reports = lastValueFrom(producer.reports$.pipe(toArray()));
    const { items, refused } = boundaryItems(framing);
    for (const [index, item] of items.entries()) {
      if (index === refused) {
        // Too large even as a plain record: refused at once, as before.
        await expect(producer.put(item)).rejects.toBeInstanceOf(ItemTooLargeError);
      } else {
        await producer.put(item);
      }
    }
    await producer.close();
    client.destroy();
    const all = await reports;
    expect(all.map((r) => r.status)).toEqual(Array(items.length - 1).fill('delivered'));
    await checkStream(streamName, processor(), framing, all);
  });

  it('toKinesis() with preserveOrder sends them as plain records, in order, and refuses one over 1 MiB', async () => {
    const streamName = uniqueStreamName('kpl-plain-operator');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const { items } = boundaryItems(framing);
    const { refused } = boundaryItems(framing);
    const reports = await lastValueFrom(
      from(items).pipe(
        toKinesis<string>({
          streamName,
          client,
          processor: processor(),
          partitionKey: () => KEY,
          onFailure: 'emit',
          preserveOrder: true,
        }),
        toArray(),
      ),
    );
    client.destroy();
    const failed = reports.flatMap((r) => (r.status === 'failed' ? [r] : []));
    expect(failed.map((r) => r.index)).toEqual([refused]);
    expect(failed[0]!.error).toBeInstanceOf(ItemTooLargeError);
    expect(failed[0]!.error.message).toContain('(data + partition key)');
    await checkStream(streamName, processor(), framing, reports);
  });
});
