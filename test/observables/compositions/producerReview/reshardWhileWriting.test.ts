// A producer writing while its stream is split and then merged: records sent to the parent after
// it closed are answered for the children (or refused and re-sent); every item is reported once,
// and each report names the shard and sequence number of a record that holds the item.
import { MergeShardsCommand } from '@aws-sdk/client-kinesis';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { kplJsonProcessor } from '../../../../src/processors/namedProcessors.js';
import { kplAggregator } from '../../../../src/processors/aggregators/kplAggregator.js';
import type { DeliveredReport, DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { Producer } from '../../../../src/producer/Producer.js';
import { readStream, type StoredRecord } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { splitShard, waitActive } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ids(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Each report names a stored record (shard + sequence number) that holds its item. */
function expectReportsMatchStored(
  reports: readonly DeliveryReport<number>[],
  stored: readonly StoredRecord[],
  kpl: boolean,
): void {
  const holds = new Map<string, Set<number>>();
  const aggregator = kplAggregator();
  for (const record of stored) {
    const items = kpl
      ? aggregator
          .deaggregate({ data: record.bytes, partitionKey: record.partitionKey })
          .map((entry) => JSON.parse(Buffer.from(entry.data).toString('utf8')) as number)
      : [JSON.parse(record.data) as number];
    holds.set(`${record.shardId}/${record.sequenceNumber}`, new Set(items));
  }
  for (const report of reports as DeliveredReport<number>[]) {
    const where = `${report.shardId}/${report.sequenceNumber}`;
    expect({ item: report.item, held: holds.get(where)?.has(report.item) ?? false }).toEqual({
      item: report.item,
      held: true,
    });
  }
}

describe('writing through a split and a merge', () => {
  for (const kpl of [false, true]) {
    it(`toKinesis() (${kpl ? 'KPL' : 'one item per record'}): every item reported once, where it is stored`, async () => {
      const streamName = uniqueStreamName('reshard');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      const source = new Subject<number>();
      const reports = lastValueFrom(
        source.pipe(
          toKinesis<number>({
            streamName,
            client,
            ...(kpl ? { processor: kplJsonProcessor<number>() } : {}),
            partitionKey: (id) => `key-${id % 37}`,
            bufferTime: 20,
            shardMapRefreshInterval: 60_000,
          }),
          toArray(),
        ),
      );
      let next = 0;
      const feed = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          for (const id of ids(next, 20)) source.next(id);
          next += 20;
          await sleep(25);
        }
      };
      await feed(300);
      await splitShard(client, streamName);
      await feed(300);
      await client.send(
        new MergeShardsCommand({
          StreamName: streamName,
          ShardToMerge: 'shardId-000000000001',
          AdjacentShardToMerge: 'shardId-000000000002',
        }),
      );
      await waitActive(client, streamName);
      await feed(300);
      source.complete();
      const all = await reports;
      expect(all.map((report) => report.item).sort((a, b) => a - b)).toEqual(ids(0, next));
      expect(all.every((report) => report.status === 'delivered')).toBe(true);
      // Items reached every generation of shards.
      const shards = new Set(all.map((report) => (report as DeliveredReport<number>).shardId));
      expect([...shards].sort()).toEqual([
        'shardId-000000000000',
        'shardId-000000000001',
        'shardId-000000000002',
        'shardId-000000000003',
      ]);
      const stored = await readStream(client, streamName, kpl ? 1 : next);
      client.destroy();
      expectReportsMatchStored(all, stored, kpl);
    });
  }

  it('Producer: put() across a split; flush() and close() resolve with every item reported where stored', async () => {
    const streamName = uniqueStreamName('reshard');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const producer = new Producer<number>({
      streamName,
      client,
      partitionKey: (id) => `p${id % 17}`,
      bufferTime: 20,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (const id of ids(0, 200)) await producer.put(id);
    const splitting = splitShard(client, streamName);
    for (const id of ids(200, 200)) {
      await producer.put(id);
      if (id % 20 === 0) await sleep(10);
    }
    await splitting;
    for (const id of ids(400, 200)) await producer.put(id);
    await producer.close();
    expect(reports.map((report) => report.item).sort((a, b) => a - b)).toEqual(ids(0, 600));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    const stored = await readStream(client, streamName, 600);
    client.destroy();
    expectReportsMatchStored(reports, stored, false);
  });
});
