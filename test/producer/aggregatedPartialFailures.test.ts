// Aggregated records under per-entry failures, 500s and resets after a write, against the
// embedded Kinesis: every item's report names the record and the position that hold it.
import { lastValueFrom, range, toArray } from 'rxjs';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveredReport } from '../../src/producer/DeliveryReport.js';
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
});
