// Consumer benchmark: drain a 100,000 x 1 KiB backlog from a 4-shard embedded stream with
// fromKinesis() and with a plain SDK GetRecords loop; then the heap peak with a slow subscriber;
// then two applications reading one 4-shard stream under Kinesis limits, polling vs enhanced
// fan-out, each application's throughput as a share of its limit (skip with --no-fan-out).
// Run: npx tsx bench/consumer.ts [records] [--json] [--no-fan-out]   (--json: one JSON document, read by bench/run-all.ts)
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  RegisterStreamConsumerCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { concatMap, count, lastValueFrom, map, take, timer } from 'rxjs';
import { startLocalKinesis } from '../src/local/index.js';
import { fromKinesis } from '../src/observables/fromKinesis.js';
import { checkpoint } from '../src/operators/checkpoint.js';
import { MemoryCheckpointer } from '../src/checkpointers/MemoryCheckpointer.js';

const ARGS = process.argv.slice(2);
const JSON_OUTPUT = ARGS.includes('--json');
const RECORDS = Number(ARGS.find((arg) => !arg.startsWith('--')) ?? 100_000);
const log = (text: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${text}\n`);
const SHARDS = 4;
const FAN_OUT = !ARGS.includes('--no-fan-out');
const MIB = 1024 * 1024;
/**
 * Per shard: what polling applications share, and what each fan-out consumer gets. AWS's 2 MiB/s
 * scaled down 8x (the local server's limits are set to it for both) so that a backlog of
 * FAN_OUT_SECONDS at the limit fits in the embedded server's memory; the shares are ratios.
 */
const READ_LIMIT_BYTES = 256 * 1024;
/** The fan-out rows' backlog: 8 KiB records, FAN_OUT_SECONDS of one application's limit. */
const FAN_OUT_RECORD_BYTES = 8 * 1024;
const FAN_OUT_SECONDS = 15;

async function fill(client: KinesisClient, streamName: string): Promise<void> {
  const data = Buffer.alloc(1024, 120);
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < RECORDS; i += 500) {
    const count = Math.min(500, RECORDS - i);
    batches.push(
      client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: Array.from({ length: count }, (_, j) => ({ PartitionKey: `k${i + j}`, Data: data })),
        }),
      ),
    );
    if (batches.length >= 8) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
}

async function sdkLoop(client: KinesisClient, streamName: string, limit: number): Promise<number> {
  const started = performance.now();
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  let total = 0;
  await Promise.all(
    shards.map(async (shard) => {
      let iterator = (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: streamName,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      let lastCall = 0;
      while (iterator !== undefined && total < RECORDS) {
        const wait = lastCall + 200 - performance.now(); // 5 calls/s per shard, like shardFetchRate 5
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastCall = performance.now();
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
        total += out.Records?.length ?? 0;
        if ((out.Records?.length ?? 0) === 0 && out.MillisBehindLatest === 0) break;
        iterator = out.NextShardIterator;
      }
    }),
  );
  return performance.now() - started;
}

async function withFromKinesis(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  streamName: string,
): Promise<number> {
  const started = performance.now();
  const consumer = fromKinesis({
    streamName,
    endpoint,
    region,
    credentials,
    shardFetchRate: 5,
    sleepTimeNoRecords: 50,
  });
  const received = await lastValueFrom(consumer.pipe(checkpoint(), take(RECORDS), count()));
  if (received !== RECORDS) throw new Error(`fromKinesis delivered ${received} of ${RECORDS}`);
  const elapsed = performance.now() - started;
  await consumer.stopped();
  return elapsed;
}

async function slowSubscriberHeap(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  streamName: string,
): Promise<{ peakHeapMiB: number; peakInFlight: number }> {
  const consumer = fromKinesis({
    streamName,
    endpoint,
    region,
    credentials,
    shardFetchRate: 5,
    maxQueueSize: 2000,
  });
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  await lastValueFrom(
    consumer.pipe(
      concatMap((record) => timer(10).pipe(map(() => record))),
      checkpoint(),
      take(300),
    ),
  );
  clearInterval(sampler);
  const stats = consumer.stats();
  await consumer.stopped();
  return { peakHeapMiB: peak / 2 ** 20, peakInFlight: stats.peakInFlight };
}

/** Writes `count` records of `bytes` each (batches within the 5 MiB request limit). */
async function fillLarge(
  client: KinesisClient,
  streamName: string,
  count: number,
  bytes: number,
): Promise<void> {
  const data = Buffer.alloc(bytes, 121);
  const perBatch = Math.max(1, Math.min(500, Math.floor((4 * MIB) / bytes)));
  for (let i = 0; i < count; i += perBatch) {
    const n = Math.min(perBatch, count - i);
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: Array.from({ length: n }, (_, j) => ({ PartitionKey: `k${i + j}`, Data: data })),
      }),
    );
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`fill: ${out.FailedRecordCount} records failed`);
  }
}

interface ApplicationRun {
  readonly mode: 'polling' | 'fan-out';
  /** Each application's bytes per second, first record to last. */
  readonly bytesPerSecond: readonly number[];
  readonly seconds: readonly number[];
}

/** Two applications drain the same backlog at once, both polling or both with fan-out. */
async function twoApplications(
  local: Awaited<ReturnType<typeof startLocalKinesis>>,
  streamName: string,
  records: number,
  mode: 'polling' | 'fan-out',
): Promise<ApplicationRun> {
  const startedAt = performance.now();
  const run = async (app: string): Promise<{ bytesPerSecond: number; seconds: number }> => {
    const consumer = fromKinesis({
      streamName,
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      checkpointer: new MemoryCheckpointer(),
      ...(mode === 'fan-out'
        ? { enhancedFanOut: { consumerName: `bench-${app}` } }
        : // Tuned for two applications sharing a shard: together one second's budget per second.
          {
            shardFetchRate: 1,
            sleepTimeNoRecords: 200,
            recordLimit: Math.max(1, Math.floor(READ_LIMIT_BYTES / 2 / FAN_OUT_RECORD_BYTES)),
          }),
    });
    let bytes = 0;
    await lastValueFrom(
      consumer.pipe(
        map((record) => {
          bytes += record.data.byteLength;
          return record;
        }),
        checkpoint(),
        take(records),
        count(),
      ),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    await consumer.stopped();
    return { bytesPerSecond: bytes / seconds, seconds };
  };
  const results = await Promise.all([run('a'), run('b')]);
  return {
    mode,
    bytesPerSecond: results.map((r) => r.bytesPerSecond),
    seconds: results.map((r) => r.seconds),
  };
}

/** Polling vs fan-out, two applications on one 4-shard stream under the local Kinesis's limits. */
async function fanOutComparison(): Promise<ApplicationRun[]> {
  const local = await startLocalKinesis({
    // Read limits scaled as READ_LIMIT_BYTES; writes unlimited so the backlog fills fast.
    limits: {
      writeBytesPerSecond: 1024 * MIB,
      writeRecordsPerSecond: 1_000_000,
      readBytesPerSecond: READ_LIMIT_BYTES,
      fanOutBytesPerSecond: READ_LIMIT_BYTES,
    },
    efo: { consumerStatusDelayMs: 100 },
  });
  const client = local.createClient();
  const streamName = `bench-fan-out-${Date.now()}`;
  await local.createStream(streamName, SHARDS);
  const records = Math.round((SHARDS * READ_LIMIT_BYTES * FAN_OUT_SECONDS) / FAN_OUT_RECORD_BYTES);
  log(
    `fan-out rows: filling ${records} x ${FAN_OUT_RECORD_BYTES / 1024} KiB records over ${SHARDS} shards...`,
  );
  await fillLarge(client, streamName, records, FAN_OUT_RECORD_BYTES);
  // Register the two stream consumers first, so the timed runs do not include their activation.
  const streamArn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })))
    .StreamDescriptionSummary?.StreamARN;
  for (const app of ['a', 'b'])
    await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `bench-${app}` }),
    );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const runs = [
    await twoApplications(local, streamName, records, 'polling'),
    await twoApplications(local, streamName, records, 'fan-out'),
  ];
  client.destroy();
  await local.close();
  return runs;
}

/** An application's throughput as a share of its own limit (SHARDS x READ_LIMIT_BYTES per second), in percent. */
function shareOfLimit(bytesPerSecond: number): number {
  return (bytesPerSecond / (SHARDS * READ_LIMIT_BYTES)) * 100;
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({});
  const client = local.createClient();
  const streamName = `bench-consumer-${Date.now()}`;
  await local.createStream(streamName, SHARDS);
  log(`filling ${RECORDS} x 1 KiB records over ${SHARDS} shards...`);
  await fill(client, streamName);
  // Alternate the two readers and keep each one's best run, so cache warm-up favours neither.
  // The SDK loop asks for 2,500 records per call: what fromKinesis asks per shard with its default
  // maxQueueSize (10,000) shared by 4 shards. (Limit 10,000 is reported too.)
  let sdkMs = Number.POSITIVE_INFINITY;
  let sdkFullMs = Number.POSITIVE_INFINITY;
  let rxMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round += 1) {
    sdkMs = Math.min(sdkMs, await sdkLoop(client, streamName, 2500));
    sdkFullMs = Math.min(sdkFullMs, await sdkLoop(client, streamName, 10_000));
    rxMs = Math.min(
      rxMs,
      await withFromKinesis(local.endpoint, local.region, { ...local.credentials }, streamName),
    );
  }
  const heap = await slowSubscriberHeap(local.endpoint, local.region, { ...local.credentials }, streamName);
  client.destroy();
  await local.close();
  const fanOut = FAN_OUT ? await fanOutComparison() : [];
  const fanOutRows = fanOut.flatMap((run) =>
    run.bytesPerSecond.map((bytesPerSecond, i) => ({
      id: `${run.mode}, application ${i === 0 ? 'a' : 'b'} of 2`,
      mode: run.mode,
      bytesPerSecond,
      seconds: run.seconds[i] ?? 0,
    })),
  );
  const rows = [
    { id: 'plain GetRecords loop, Limit 10000', ms: sdkFullMs },
    { id: 'plain GetRecords loop', ms: sdkMs },
    { id: 'fromKinesis() + checkpoint()', ms: rxMs },
  ];
  const description = `drain ${RECORDS} x 1 KiB records from ${SHARDS} shards (best of 3); slow subscriber at 10 ms/record`;
  if (JSON_OUTPUT) {
    const results: {
      id: string;
      group: string;
      labels: Record<string, string>;
      metrics: Record<string, number>;
    }[] = rows.map((row) => ({
      id: row.id,
      group: 'consumer',
      labels: { method: row.id },
      metrics: { 'records/s': Math.round(RECORDS / (row.ms / 1000)), seconds: row.ms / 1000 },
    }));
    for (const row of fanOutRows) {
      results.push({
        id: row.id,
        group: 'consumer-fan-out',
        labels: { method: row.id },
        metrics: {
          'records/s': Math.round(row.bytesPerSecond / FAN_OUT_RECORD_BYTES),
          seconds: row.seconds,
          'KiB/s': row.bytesPerSecond / 1024,
          'share of limit %': shareOfLimit(row.bytesPerSecond),
        },
      });
    }
    results.push({
      id: 'fromKinesis() slow subscriber',
      group: 'consumer-heap',
      labels: { method: 'fromKinesis() slow subscriber, maxQueueSize 2000' },
      metrics: {
        'records/s': 0,
        seconds: 0,
        'peak heap MB': heap.peakHeapMiB,
        'peak in flight': heap.peakInFlight,
      },
    });
    console.log(
      JSON.stringify({
        bench: 'consumer',
        title: 'Consumer: drain a backlog from the embedded Kinesis',
        description,
        results,
        comparisons: [
          {
            title: 'fromKinesis() vs plain GetRecords loop',
            metric: 'records/s',
            ours: 'fromKinesis() + checkpoint()',
            baseline: 'plain GetRecords loop',
          },
        ],
      }),
    );
  } else {
    console.log(description);
    console.table(
      Object.fromEntries(
        rows.map((row) => [
          row.id,
          { ms: Math.round(row.ms), recordsPerSecond: Math.round(RECORDS / (row.ms / 1000)) },
        ]),
      ),
    );
    console.log(
      `fromKinesis speed relative to the SDK loop: ${((sdkMs / rxMs) * 100).toFixed(1)}% (target >= 90%)`,
    );
    console.log(
      `slow subscriber (10 ms/record, maxQueueSize 2000): peak heap ${heap.peakHeapMiB.toFixed(1)} MiB, peak in flight ${heap.peakInFlight}`,
    );
    if (fanOutRows.length > 0) {
      console.log(
        `two applications on one ${SHARDS}-shard stream under limits (${FAN_OUT_RECORD_BYTES / 1024} KiB records): each application's throughput, from the common start to its last record, as a share of ${SHARDS} x ${READ_LIMIT_BYTES / 1024} KiB/s (AWS's 2 MiB/s scaled down 8x)`,
      );
      console.table(
        Object.fromEntries(
          fanOutRows.map((row) => [
            row.id,
            {
              'KiB/s': Math.round(row.bytesPerSecond / 1024),
              seconds: Number(row.seconds.toFixed(1)),
              'share of limit %': Number(shareOfLimit(row.bytesPerSecond).toFixed(1)),
            },
          ]),
        ),
      );
      console.log(
        'goal: fan-out >= 95% per application, while polling applications share the limit (~50% each)',
      );
    }
  }
}

void main();
