// KPL records written while the stream is split. A record aggregated for the parent shard holds
// items of keys that now belong to either child, and Kinesis stores it in the child of its own
// key. The KCL reads an aggregated record only when every item's hash key (MD5 of its partition
// key, or its explicit hash key) lies in the range of the shard that holds it: it drops such a
// record whole (AggregatorUtil.deaggregate with the shard's hash key range). So every item must be
// in a record the KCL keeps; the items of a record it would drop are sent again and reported as
// possible duplicates.
import { createHash } from 'node:crypto';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { kplJsonProcessor } from '../../../../src/processors/namedProcessors.js';
import { kplAggregator } from '../../../../src/processors/aggregators/kplAggregator.js';
import { hasKplMagic } from '../../../../src/processors/aggregators/kplFormat.js';
import type { DeliveredReport } from '../../../../src/producer/DeliveryReport.js';
import { readStream, type StoredRecord } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { splitShard } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hashKeyOf = (partitionKey: string, explicitHashKey: string | undefined): bigint =>
  explicitHashKey !== undefined
    ? BigInt(explicitHashKey)
    : BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);

/**
 * The items a KCL worker reads from `stored`, with the records each came from (a KPL record only
 * when each of its items hashes into its shard's range, a plain record as one item), and the
 * items of the records it drops.
 */
function readAsTheKclDoes(
  stored: readonly StoredRecord[],
  ranges: ReadonlyMap<string, readonly [bigint, bigint]>,
): { read: Map<number, string[]>; dropped: Set<number> } {
  const aggregator = kplAggregator();
  const read = new Map<number, string[]>();
  const dropped = new Set<number>();
  const idOf = (data: Uint8Array) => JSON.parse(Buffer.from(data).toString('utf8')) as number;
  for (const record of stored) {
    const [start, end] = ranges.get(record.shardId)!;
    const items = aggregator.deaggregate({ data: record.bytes, partitionKey: record.partitionKey });
    // A plain record is read as it is, wherever it lies.
    const inRange =
      !hasKplMagic(record.bytes) ||
      items.every((item) => {
        const hashKey = hashKeyOf(item.partitionKey, item.explicitHashKey);
        return hashKey >= start && hashKey <= end;
      });
    if (!inRange) {
      for (const item of items) dropped.add(idOf(item.data));
      continue;
    }
    for (const item of items) {
      const id = idOf(item.data);
      read.set(id, [...(read.get(id) ?? []), `${record.shardId}/${record.sequenceNumber}`]);
    }
  }
  return { read, dropped };
}

describe('KPL records written across a split', () => {
  for (const hashKeys of [false, true]) {
    it(`toKinesis() (${hashKeys ? 'explicit hash keys' : 'partition keys'}): every item is in a record the KCL reads, and its report names that record`, async () => {
      const streamName = uniqueStreamName('kplsplit');
      await kinesis.createStream(streamName, 1);
      const client = kinesis.createClient();
      const source = new Subject<number>();
      const reports = lastValueFrom(
        source.pipe(
          toKinesis<number>({
            streamName,
            client,
            processor: kplJsonProcessor<number>(),
            partitionKey: (id) => `key-${id % 37}`,
            // Spread over the whole hash key range, so that both children get some.
            ...(hashKeys
              ? { explicitHashKey: (id: number) => ((BigInt(id % 29) * (2n ** 128n - 1n)) / 28n).toString() }
              : {}),
            bufferTime: 20,
            // The split is learned from the answers, not from a periodic reload.
            shardMapRefreshInterval: 60_000,
          }),
          toArray(),
        ),
      );
      let next = 0;
      const feed = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          for (let i = 0; i < 20; i += 1) source.next(next++);
          await sleep(25);
        }
      };
      await feed(300);
      await splitShard(client, streamName);
      await feed(600);
      source.complete();
      const all = (await reports) as DeliveredReport<number>[];
      expect(all.map((report) => report.item).sort((a, b) => a - b)).toEqual(
        Array.from({ length: next }, (_, i) => i),
      );
      expect(all.every((report) => report.status === 'delivered')).toBe(true);

      const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
      const ranges = new Map(
        Shards.map(
          (shard) =>
            [
              shard.ShardId!,
              [BigInt(shard.HashKeyRange!.StartingHashKey!), BigInt(shard.HashKeyRange!.EndingHashKey!)],
            ] as const,
        ),
      );
      const stored = await readStream(client, streamName, 1);
      client.destroy();
      const { read, dropped } = readAsTheKclDoes(stored, ranges);
      const unread = all.filter((report) => !read.has(report.item)).map((report) => report.item);
      expect(unread).toEqual([]);
      for (const report of all) {
        expect({
          item: report.item,
          at: read.get(report.item)!.includes(`${report.shardId}/${report.sequenceNumber}`),
        }).toEqual({
          item: report.item,
          at: true,
        });
      }
      // The stream holds the dropped records too: readers that do not drop them read those items twice.
      for (const report of all.filter((delivered) => dropped.has(delivered.item))) {
        expect({ item: report.item, possibleDuplicate: report.possibleDuplicate }).toEqual({
          item: report.item,
          possibleDuplicate: true,
        });
      }
    });
  }
});
