// Consumer benchmark: drain a 100,000 x 1 KiB backlog from a 4-shard embedded stream with
// fromKinesis() and with a plain SDK GetRecords loop; then the heap peak with a slow subscriber.
// Run: npx tsx bench/consumer.ts [records]
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { concatMap, count, lastValueFrom, map, take, timer } from 'rxjs';
import { startLocalKinesis } from '../src/local/index.js';
import { fromKinesis } from '../src/observables/fromKinesis.js';
import { checkpoint } from '../src/operators/checkpoint.js';

const RECORDS = Number(process.argv[2] ?? 100_000);
const SHARDS = 4;

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

async function main(): Promise<void> {
  const local = await startLocalKinesis({});
  const client = local.createClient();
  const streamName = `bench-consumer-${Date.now()}`;
  await local.createStream(streamName, SHARDS);
  console.log(`filling ${RECORDS} x 1 KiB records over ${SHARDS} shards...`);
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
  console.table({
    'SDK GetRecords loop, Limit 10000': {
      ms: Math.round(sdkFullMs),
      recordsPerSecond: Math.round(RECORDS / (sdkFullMs / 1000)),
    },
    'SDK GetRecords loop, Limit 2500': {
      ms: Math.round(sdkMs),
      recordsPerSecond: Math.round(RECORDS / (sdkMs / 1000)),
    },
    'fromKinesis + checkpoint()': {
      ms: Math.round(rxMs),
      recordsPerSecond: Math.round(RECORDS / (rxMs / 1000)),
    },
  });
  console.log(
    `fromKinesis speed relative to the SDK loop: ${((sdkMs / rxMs) * 100).toFixed(1)}% (target >= 90%)`,
  );
  console.log(
    `slow subscriber (10 ms/record, maxQueueSize 2000): peak heap ${heap.peakHeapMiB.toFixed(1)} MiB, peak in flight ${heap.peakInFlight}`,
  );
  client.destroy();
  await local.close();
}

void main();
