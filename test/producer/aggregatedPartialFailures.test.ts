// Aggregated records under per-entry failures, 500s and resets after a write, against the
// embedded Kinesis: every item's report names the record and the position that hold it, and the
// metrics add up to the reports (afterFlush and a split while writing included).
import { lastValueFrom, range, toArray } from 'rxjs';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { splitShard } from '../support/streamRecords.js';
import { readStream } from './support/readStream.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(120_000);

const kinesis = useTestKinesis({
  faults: { internalFailureRate: 0.25, serverErrorRate: 0.05, resetAfterWriteRate: 0.05, seed: 11 },
});

async function createStream(name: string, shards: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await kinesis.createStream(name, shards);
      return;
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code === 'ResourceInUseException') return;
      if (attempt >= 8) throw error;
    }
  }
}

describe('aggregated records under partial PutRecords failures', () => {
  it('reports every item once, with the shard, sequence and position that hold it', async () => {
    const streamName = uniqueStreamName('aggfail');
    await createStream(streamName, 2);
    const client = kinesis.createClient();
    const count = 3000;
    const reports = await lastValueFrom(
      range(0, count).pipe(
        toKinesis<number>({
          streamName,
          client,
          processor: kplJsonProcessor<number>(),
          partitionKey: (id) => `key-${id % 37}`,
          // Small records: many records per call, so a call's entries fail one by one.
          maxRecordBytes: 1500,
          batchSize: 20,
          expoBackoff: 10,
          bufferTime: 20,
        }),
        toArray(),
      ),
    );
    expect(kinesis.stats!.injectedInternalFailures).toBeGreaterThan(0);
    const delivered = reports.filter((r): r is DeliveredReport<number> => r.status === 'delivered');
    expect(delivered).toHaveLength(count);
    expect(new Set(delivered.map((r) => r.index)).size).toBe(count);
    for (const report of delivered) expect(report.item).toBe(report.index);
    expect(delivered.some((r) => r.attempts > 1)).toBe(true);

    const reader = createKinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      maxAttempts: 20,
    });
    const stored = await readStream(reader, streamName, 1);
    reader.destroy();
    client.destroy();
    const aggregator = kplAggregator();
    const records = new Map<string, { shardId: string; items: { id: number; key: string }[] }>();
    const copies = new Map<number, number>();
    for (const record of stored) {
      const items = aggregator
        .deaggregate({ data: record.bytes, partitionKey: record.partitionKey })
        .map((entry) => ({
          id: JSON.parse(Buffer.from(entry.data).toString('utf8')) as number,
          key: entry.partitionKey,
        }));
      records.set(record.sequenceNumber, { shardId: record.shardId, items });
      for (const { id } of items) copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    expect(copies.size).toBe(count);
    // Reports of one record agree on its attempts and possibleDuplicate.
    const perRecord = new Map<string, string>();
    for (const report of delivered) {
      const record = records.get(report.sequenceNumber);
      expect(record).toBeDefined();
      expect(record!.shardId).toBe(report.shardId);
      expect(record!.items[report.subSequenceNumber!]).toEqual({ id: report.item, key: report.partitionKey });
      const seen = `${report.attempts}/${report.possibleDuplicate}`;
      expect(perRecord.get(report.sequenceNumber) ?? seen).toBe(seen);
      perRecord.set(report.sequenceNumber, seen);
      if (copies.get(report.item)! > 1) expect(report.possibleDuplicate).toBe(true);
    }
  });

  it('with afterFlush and a split while writing: the metrics add up to the reports, and no snapshot counts an item twice', async () => {
    const streamName = uniqueStreamName('aggmetrics');
    await createStream(streamName, 1);
    const client = kinesis.createClient();
    const count = 3000;
    const producer = new Producer<number>({
      streamName,
      client,
      processor: kplJsonProcessor<number>(),
      partitionKey: (id) => `key-${id % 37}`,
      maxRecordBytes: 1500,
      batchSize: 20,
      expoBackoff: 10,
      bufferTime: 20,
      afterFlush: () => new Promise<void>((resolve) => setTimeout(resolve, 5)),
    });
    const snapshots: ProducerMetricsSnapshot[] = [];
    producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const writing = (async () => {
      for (let id = 0; id < count; id += 1) await producer.put(id);
    })();
    // The split (its calls retried through the faults) while the items are being written.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await splitShard(client, streamName);
        break;
      } catch (error) {
        const code = (error as { name?: string }).name;
        // A retry of a split that was carried out (reset after the write) is refused.
        if (code === 'ResourceInUseException' || code === 'InvalidArgumentException') break;
        if (attempt >= 8) throw error;
      }
    }
    await writing;
    await producer.close();
    client.destroy();

    expect(reports).toHaveLength(count);
    expect(new Set(reports.map((report) => report.index)).size).toBe(count);
    const delivered = reports.filter((r): r is DeliveredReport<number> => r.status === 'delivered');
    const final = producer.metrics();
    expect(final.queue).toEqual({ items: 0, bytes: 0 });
    expect(final.totals.items).toBe(delivered.length);
    expect(final.totals.failures).toBe(count - delivered.length);
    const perShard = new Map<string, number>();
    for (const report of delivered) perShard.set(report.shardId, (perShard.get(report.shardId) ?? 0) + 1);
    for (const [shardId, counters] of Object.entries(final.shards)) {
      expect({ shardId, items: counters.items }).toEqual({ shardId, items: perShard.get(shardId) ?? 0 });
    }
    for (const snapshot of snapshots) {
      expect(snapshot.totals.items + snapshot.totals.failures + snapshot.queue.items).toBeLessThanOrEqual(
        count,
      );
    }
    expect(snapshots[snapshots.length - 1]).toEqual(final);
  });
});
