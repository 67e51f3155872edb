// A KPL record aggregated for a shard that was split since, stored in a child, holds items of
// keys that hash to the other child too; the producer sends such a record's items again, each in
// a record of its own key. An item whose data begin with the KPL magic (a serializer of the
// caller's own wrote them) went as a plain record, which every KPL reader takes for a (broken)
// aggregated record: it goes as an aggregated record of that one item now.
import { createProcessor } from '../../src/processors/Processor.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { hasKplMagic } from '../../src/processors/aggregators/kplFormat.js';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { splitShard } from '../support/streamRecords.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis();

const MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

/** Writes the KPL magic, then the item as text. */
const magicSerializer = {
  name: 'magic-text',
  serialize: (item: string): Uint8Array => Buffer.concat([MAGIC, Buffer.from(item, 'utf8')]),
  deserialize: (bytes: Uint8Array): string => Buffer.from(bytes.subarray(MAGIC.length)).toString('utf8'),
};

// The low and the high half of the hash key range: the two children of the split.
const LOW = '1';
const HIGH = (2n ** 128n - 2n).toString();

it('sends a mispredicted aggregate’s item whose data begin with the KPL magic as a one-item aggregated record', async () => {
  const streamName = uniqueStreamName('kplmagic');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const producer = new Producer<string>({
    streamName,
    client,
    processor: createProcessor('magic-kpl', magicSerializer, kplAggregator()),
    partitionKey: (item) => `key-${item}`,
    explicitHashKey: (_, index) => (index % 2 === 0 ? LOW : HIGH),
    bufferTime: 50,
    // The split is learned from the answer, not from a periodic reload.
    shardMapRefreshInterval: 60_000,
  });
  const reports: DeliveryReport<string>[] = [];
  const subscription = producer.reports$.subscribe((report) => reports.push(report));
  try {
    await producer.send('first');
    await splitShard(client, streamName);
    // One record of both halves' keys, aggregated for the parent: stored in the low child.
    const items = ['a', 'b', 'c', 'd'];
    for (const item of items) void producer.put(item);
    await producer.flush();
    await producer.close();
  } finally {
    subscription.unsubscribe();
  }
  const delivered = reports.flatMap((report) => (report.status === 'delivered' ? [report] : []));
  expect(delivered.map((report) => report.item).sort()).toEqual(['a', 'b', 'c', 'd', 'first']);
  // The items were sent again on their own (their first record lies outside the high child).
  expect(
    delivered
      .filter((report) => report.possibleDuplicate)
      .map((report) => report.item)
      .sort(),
  ).toEqual(['a', 'b', 'c', 'd']);

  const stored = await readStream(client, streamName, 6);
  client.destroy();
  // Every record is a KPL record (every datum begins with the magic) that a KPL reader decodes.
  const aggregator = kplAggregator();
  const read = stored.map((record) => {
    expect(hasKplMagic(record.bytes)).toBe(true);
    try {
      return aggregator
        .deaggregate({ data: record.bytes, partitionKey: record.partitionKey })
        .map((item) => magicSerializer.deserialize(item.data));
    } catch (error) {
      return [`undecodable: ${(error as Error).name}`];
    }
  });
  expect(
    read
      .filter((items) => items.length === 1)
      .flat()
      .sort(),
  ).toEqual(['a', 'b', 'c', 'd', 'first']);
  expect(
    read
      .filter((items) => items.length > 1)
      .flat()
      .sort(),
  ).toEqual(['a', 'b', 'c', 'd']);
});
