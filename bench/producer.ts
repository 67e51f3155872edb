// Producer benchmark: 100,000 x 1 KiB records into a 4-shard embedded stream with Kinesis limits
// on, through toKinesis(), against a plain SDK PutRecords loop (500-record batches, failed entries
// re-sent at once). Prints records/s and the share of entries the server throttled.
// Run: npx tsx bench/producer.ts [records] [--json]   (--json: one JSON document, read by bench/run-all.ts)
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { lastValueFrom, map, range, reduce } from 'rxjs';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import { startLocalKinesis } from '../src/local/startLocalKinesis.js';
import { toKinesis } from '../src/operators/toKinesis.js';
import type { ProducerMetricsSnapshot } from '../src/producer/ProducerMetrics.js';
import { noneAggregator } from '../src/processors/aggregators/noneAggregator.js';
import { createProcessor } from '../src/processors/Processor.js';
import { bytesSerializer } from '../src/processors/serializers/bytesSerializer.js';

const ARGS = process.argv.slice(2);
const JSON_OUTPUT = ARGS.includes('--json');
const RECORDS = Number(ARGS.find((arg) => !arg.startsWith('--')) ?? 100_000);
const SHARDS = 4;
const payload = (i: number) => {
  const data = Buffer.alloc(1024, 97);
  data.write(String(i));
  return data;
};

async function main(): Promise<void> {
  const local = await startLocalKinesis({ limits: true, streams: { plain: SHARDS, producer: SHARDS } });
  const client = createKinesisClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const results: Array<Record<string, string | number>> = [];

  // Plain SDK loop.
  {
    const before = local.stats.throttledPutEntries;
    const started = Date.now();
    let sent = 0;
    let throttled = 0;
    let pending: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < RECORDS || pending.length > 0;) {
      while (pending.length < 500 && i < RECORDS) {
        pending.push({ Data: payload(i), PartitionKey: `k${i}` });
        i += 1;
      }
      const answer = await client.send(new PutRecordsCommand({ StreamName: 'plain', Records: pending }));
      sent += pending.length;
      pending = pending.filter((_, n) => answer.Records?.[n]?.ErrorCode !== undefined);
      throttled += pending.length;
    }
    const seconds = (Date.now() - started) / 1000;
    results.push({
      method: 'plain PutRecords loop',
      'records/s': Math.round(RECORDS / seconds),
      seconds: seconds.toFixed(1),
      'entries sent': sent,
      'throttled entries': throttled,
      'throttled rate': `${((100 * (local.stats.throttledPutEntries - before)) / sent).toFixed(1)}%`,
    });
  }

  // toKinesis().
  {
    const before = local.stats.throttledPutEntries;
    let metrics: ProducerMetricsSnapshot | undefined;
    const started = Date.now();
    const delivered = await lastValueFrom(
      range(0, RECORDS).pipe(
        map(payload),
        toKinesis<Uint8Array>({
          streamName: 'producer',
          client,
          processor: createProcessor('bytes', bytesSerializer(), noneAggregator()),
          maxQueueSize: RECORDS,
          maxQueueBytes: Number.POSITIVE_INFINITY,
          metricsObserver: { next: (snapshot) => (metrics = snapshot) },
        }),
        reduce((count, report) => count + (report.status === 'delivered' ? 1 : 0), 0),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const sent = metrics!.totals.records + metrics!.totals.throttled;
    results.push({
      method: 'toKinesis()',
      'records/s': Math.round(delivered / seconds),
      seconds: seconds.toFixed(1),
      'entries sent': sent,
      'throttled entries': metrics!.totals.throttled,
      'throttled rate': `${((100 * (local.stats.throttledPutEntries - before)) / sent).toFixed(1)}%`,
    });
  }

  const description = `${RECORDS} x 1 KiB records, ${SHARDS} shards, limits on (1,000 records/s and 1 MiB/s per shard)`;
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        bench: 'producer',
        title: 'Producer: embedded Kinesis with limits on',
        description,
        results: results.map((row) => ({
          id: String(row.method),
          group: 'producer',
          labels: { method: String(row.method) },
          metrics: {
            'records/s': Number(row['records/s']),
            seconds: Number(row.seconds),
            'entries sent': Number(row['entries sent']),
            'throttled entries': Number(row['throttled entries']),
            'throttled %': Number.parseFloat(String(row['throttled rate'])),
          },
        })),
        comparisons: [
          {
            title: 'toKinesis() vs plain PutRecords loop',
            metric: 'records/s',
            ours: 'toKinesis()',
            baseline: 'plain PutRecords loop',
          },
          {
            title: 'throttled entries: toKinesis() vs plain PutRecords loop',
            metric: 'throttled entries',
            ours: 'toKinesis()',
            baseline: 'plain PutRecords loop',
            higherIsBetter: false,
          },
        ],
      }),
    );
  } else {
    console.log(description);
    console.table(results);
  }
  client.destroy();
  await local.close();
}

void main();
