// Case: the items of a KPL record stored in another shard than predicted (after a reshard) are
// sent again one per record; the metrics counted each item's first own send under `retries`,
// though nothing of it had failed (the aggregated record was delivered). Such a send now counts
// under `resent`, and only the item's own later attempts count under `retries`.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { internalFailure, isAggregated, scriptedPutRecords } from './support/scriptedPutRecords.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});
afterAll(async () => {
  await kinesis.close();
});

/**
 * A client whose PutRecords answers follow a script: an aggregated record is answered as stored
 * in another shard than the one it was meant for (as after a split); each plain record (an item
 * sent again on its own) fails once (InternalFailure), then goes.
 */
function scriptedClient(client: KinesisClient): KinesisClient {
  const seen = new Set<string>();
  return scriptedPutRecords(client, (sent, entry) => {
    if (isAggregated(sent.Data)) return { ...entry, ShardId: 'shardId-000000000001' };
    const key = Buffer.from(sent.Data!).toString('hex');
    if (seen.has(key)) return entry;
    seen.add(key);
    return internalFailure;
  });
}

test('an item sent again after a mispredicted KPL record counts under resent, its own failures under retries', async () => {
  const streamName = uniqueStreamName('resend-metrics');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const producer = new Producer<number>({
    streamName,
    client: scriptedClient(client),
    processor: kplJsonProcessor<number>(),
    partitionKey: (id) => `key-${id}`,
    expoBackoff: 10,
    bufferTime: 5,
  });
  const reports: DeliveryReport<number>[] = [];
  producer.reports$.subscribe((report) => reports.push(report));
  try {
    await producer.putAll([0, 1, 2, 3]);
    await producer.close();
    expect(reports.map((report) => report.status)).toEqual(Array(4).fill('delivered'));
    const { totals, shards } = producer.metrics();
    // One aggregated record (delivered, not counted as a delivery of its items), then each item
    // on its own: a first send (resent) and, as it failed once, one retry.
    expect(totals).toMatchObject({ items: 4, records: 4, resent: 4, retries: 4, failures: 0 });
    expect(shards['shardId-000000000000']).toMatchObject({ resent: 4, retries: 4 });
  } finally {
    await producer.close({ abort: true });
    client.destroy();
  }
});
