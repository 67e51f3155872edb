// preserveOrder while the stream is resharded under the producer: records queued for a parent
// before the producer learned of the resharding are stored in its children, so a child's lane
// waits until its ancestors' lanes have sent everything. Read back as a consumer reads (a parent
// to its end before its children), every key's items come in the order they were given.
import { createHash } from 'node:crypto';
import { ListShardsCommand, UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { hasKplMagic } from '../../src/processors/aggregators/kplFormat.js';
import { readStream, type StoredRecord } from './support/readStream.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { waitActive } from '../support/streamRecords.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

const kinesis = useTestKinesis({ limits: true });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hashKeyOf = (partitionKey: string, explicitHashKey: string | undefined): bigint =>
  explicitHashKey !== undefined
    ? BigInt(explicitHashKey)
    : BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);

/** The hash key range of every shard of the stream, open or closed. */
async function shardRanges(
  client: KinesisClient,
  streamName: string,
): Promise<Map<string, [bigint, bigint]>> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  return new Map(
    Shards.map((shard) => [
      shard.ShardId!,
      [BigInt(shard.HashKeyRange!.StartingHashKey!), BigInt(shard.HashKeyRange!.EndingHashKey!)],
    ]),
  );
}

/**
 * Each item's key and id as a KCL worker reads them, each once (its first copy): a parent's
 * records before its children's, a KPL record only when each of its items hashes into its
 * shard's range (the KCL drops it whole otherwise; the producer sends such items again).
 */
function itemsInReadingOrder(
  stored: readonly StoredRecord[],
  ranges: ReadonlyMap<string, readonly [bigint, bigint]>,
): Array<[string, number]> {
  // Shard ids grow with each resharding, so a child sorts after its parents; the sort is stable,
  // so each shard's records keep their order.
  const byShard = [...stored].sort((a, b) => a.shardId.localeCompare(b.shardId));
  const aggregator = kplAggregator();
  const seen = new Set<number>();
  const items: Array<[string, number]> = [];
  for (const record of byShard) {
    const [start, end] = ranges.get(record.shardId)!;
    const entries = aggregator.deaggregate({ data: record.bytes, partitionKey: record.partitionKey });
    const kept =
      !hasKplMagic(record.bytes) ||
      entries.every((entry) => {
        const hashKey = hashKeyOf(entry.partitionKey, entry.explicitHashKey);
        return hashKey >= start && hashKey <= end;
      });
    if (!kept) continue;
    for (const entry of entries) {
      const id = JSON.parse(Buffer.from(entry.data).toString('utf8')) as number;
      if (seen.has(id)) continue;
      seen.add(id);
      items.push([entry.partitionKey, id]);
    }
  }
  return items;
}

describe('preserveOrder across a resharding', () => {
  for (const kpl of [false, true]) {
    it(`toKinesis() (${kpl ? 'KPL' : 'one item per record'}): each key's items are read in the order given, through 2 → 4 → 2 shards`, async () => {
      const streamName = uniqueStreamName('order-reshard');
      await kinesis.createStream(streamName, 2);
      const client = kinesis.createClient();
      const keyOf = (id: number) => `key-${id % 23}`;
      const source = new Subject<number>();
      const reports = lastValueFrom(
        source.pipe(
          toKinesis<number>({
            streamName,
            client,
            ...(kpl ? { processor: kplJsonProcessor<number>() } : {}),
            partitionKey: keyOf,
            preserveOrder: true,
            bufferTime: 20,
          }),
          toArray(),
        ),
      );
      let next = 0;
      // 1,000 items a second, while the stream is resharded: some are queued for a parent when
      // the producer learns that it closed.
      const feed = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          for (let i = 0; i < 20; i += 1) source.next(next++);
          await sleep(20);
        }
      };
      const reshard = async (shards: number) => {
        await client.send(
          new UpdateShardCountCommand({
            StreamName: streamName,
            TargetShardCount: shards,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
        await feed(400);
        await waitActive(client, streamName);
        await feed(400);
      };
      await feed(400);
      await reshard(4);
      await reshard(2);
      source.complete();
      const all = await reports;
      expect(all.filter((report) => report.status !== 'delivered')).toEqual([]);
      expect(new Set(all.map((report) => report.index)).size).toBe(next);

      const stored = await readStream(client, streamName, 1);
      const items = itemsInReadingOrder(stored, await shardRanges(client, streamName));
      client.destroy();
      expect(items).toHaveLength(next);
      expect(new Set(stored.map((record) => record.shardId)).size).toBeGreaterThan(4);
      const byKey = new Map<string, number[]>();
      for (const [key, id] of items) byKey.set(key, [...(byKey.get(key) ?? []), id]);
      for (const [key, ids] of byKey) {
        expect({ key, ids }).toEqual({ key, ids: [...ids].sort((a, b) => a - b) });
      }
    });
  }
});
