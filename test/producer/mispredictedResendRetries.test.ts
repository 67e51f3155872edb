// Case: the items of a KPL record stored in another shard than predicted (after a reshard) are
// sent again one per record; those records took over the attempts of the aggregated record, so
// their back-off and retryLimit counted the attempts that had delivered it as failures. Under
// 25% failed entries plus a split, close() waited seconds (once 31 s) on a tail of such records
// backing off 8 to 64 times longer than a first retry, and with a small retryLimit a resent item
// that failed once was given up at once. Their retries now count from the resend.
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
 * A client whose PutRecords answers follow a script: an aggregated record fails once
 * (InternalFailure), then is answered as stored in another shard than the one it was meant for
 * (as after a split); each plain record (an item sent again on its own) fails once, then goes.
 */
function scriptedClient(client: KinesisClient): KinesisClient {
  const seen = new Set<string>();
  return scriptedPutRecords(client, (sent, entry) => {
    const key = `${isAggregated(sent.Data) ? 'kpl' : 'plain'}:${Buffer.from(sent.Data!).toString('hex')}`;
    if (!seen.has(key)) {
      seen.add(key);
      return internalFailure;
    }
    return isAggregated(sent.Data) ? { ...entry, ShardId: 'shardId-000000000001' } : entry;
  });
}

test('items sent again after a mispredicted KPL record get their own retries (retryLimit 1)', async () => {
  const streamName = uniqueStreamName('resend-retries');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const producer = new Producer<number>({
    streamName,
    client: scriptedClient(client),
    processor: kplJsonProcessor<number>(),
    partitionKey: (id) => `key-${id}`,
    retryLimit: 1,
    expoBackoff: 10,
    bufferTime: 5,
  });
  const reports: DeliveryReport<number>[] = [];
  producer.reports$.subscribe((report) => reports.push(report));
  try {
    await producer.putAll([0, 1, 2, 3]);
    await producer.close();
    expect(reports.map((report) => [report.index, report.status])).toEqual(
      expect.arrayContaining([
        [0, 'delivered'],
        [1, 'delivered'],
        [2, 'delivered'],
        [3, 'delivered'],
      ]),
    );
    for (const report of reports) {
      if (report.status !== 'delivered') continue;
      // Two attempts of the aggregated record, then two of the item's own.
      expect(report.attempts).toBe(4);
      expect(report.possibleDuplicate).toBe(true);
    }
  } finally {
    await producer.close({ abort: true });
    client.destroy();
  }
});
