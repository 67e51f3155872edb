/**
 * Consumer benchmark: `fromKinesis()` + `deserialize()` (library defaults, shardFetchRate 5)
 * against a hand-written GetRecords loop (same 5 calls/s per shard, 10,000 records a call,
 * JSON.parse per record), both draining the same backlog of ~100 B JSON items from 4 shards of
 * the fast Kinesis stand-in (bench/standInKinesis.ts) running in its own process, so the
 * client's CPU (process.cpuUsage of this process) is measured apart from the server's. A third
 * contender adds `checkpoint()` (its overhead: client CPU per item with it / without it).
 * Rounds are interleaved (the order rotates each round); every figure is the median.
 * Then the heap peak with a slow subscriber (maxQueueSize 2000).
 *
 * Run: npx tsx bench/consumer.ts [--items 200000] [--rounds 3] [--json] [--contender fromKinesis]
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { concatMap, count, lastValueFrom, map, take, timer } from 'rxjs';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import { plainKinesisClient } from './plainKinesisClient.js';
import { fromKinesis } from '../src/observables/fromKinesis.js';
import { checkpoint } from '../src/operators/checkpoint.js';
import { deserialize } from '../src/operators/deserialize.js';
import { startStandInProcess } from './standInKinesis.js';

const ARGS = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const at = ARGS.indexOf(name);
  return at === -1 ? fallback : Number(ARGS[at + 1]);
};
const JSON_OUTPUT = ARGS.includes('--json');
const ITEMS = arg('--items', 200_000);
const ROUNDS = arg('--rounds', 3);
const CONTENDER = ARGS.includes('--contender') ? ARGS[ARGS.indexOf('--contender') + 1] : undefined;
const SHARDS = 4;
const FETCH_RATE = 5;
const log = (text: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${text}\n`);
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const region = 'us-east-1';

/** A ~100-byte JSON item, the same for every record (the stand-in serves one data for all). */
const ITEM = JSON.stringify({
  id: 12345,
  user: 'user-345',
  ts: 1_700_000_012_345,
  ok: true,
  note: 'x'.repeat(30),
});

interface Run {
  items: number;
  seconds: number;
  cpuSeconds: number;
}

async function measure(work: () => Promise<number>): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const items = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { items, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Per shard: GetShardIterator, then GetRecords (10,000 a call) at most 5 calls/s, JSON.parse each. */
async function handWritten(client: KinesisClient, streamName: string): Promise<number> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  let total = 0;
  let sink = 0;
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
      let lastCall = Number.NEGATIVE_INFINITY;
      while (iterator !== undefined && total < ITEMS) {
        const wait = lastCall + 1000 / FETCH_RATE - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastCall = performance.now();
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        const records = out.Records ?? [];
        for (const record of records) {
          const item = JSON.parse(Buffer.from(record.Data!).toString('utf8')) as { id: number };
          sink += item.id === 12345 ? 1 : 0;
        }
        total += records.length;
        if (records.length === 0 && out.MillisBehindLatest === 0) break;
        iterator = out.NextShardIterator;
      }
    }),
  );
  if (sink !== total) throw new Error('hand-written loop parsed the wrong items');
  return Math.min(total, ITEMS);
}

async function library(endpoint: string, streamName: string, withCheckpoint: boolean): Promise<number> {
  const consumer = fromKinesis({ streamName, endpoint, region, credentials, shardFetchRate: FETCH_RATE });
  const items = consumer.pipe(deserialize<{ id: number }>());
  const received = await lastValueFrom(
    (withCheckpoint ? items.pipe(checkpoint()) : items).pipe(take(ITEMS), count()),
  );
  await consumer.stopped();
  return received;
}

async function slowSubscriberHeap(
  endpoint: string,
  streamName: string,
): Promise<{ peakHeapMiB: number; peakInFlight: number }> {
  const consumer = fromKinesis({
    streamName,
    endpoint,
    region,
    credentials,
    shardFetchRate: FETCH_RATE,
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const server = await startStandInProcess({ limits: false });
  const client = createKinesisClient({ endpoint: server.endpoint, region, credentials });
  const plain = plainKinesisClient(server.endpoint);
  const streamName = 'consume';
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARDS }));
  // Fill: a non-AWS call of the stand-in, the same record data on every shard.
  const filled = await fetch(server.endpoint, {
    method: 'POST',
    headers: { 'X-Amz-Target': 'Kinesis_20131202.Fill', 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      StreamName: streamName,
      PerShard: Math.ceil(ITEMS / SHARDS),
      Data: Buffer.from(ITEM).toString('base64'),
    }),
  });
  if (!filled.ok) throw new Error(`Fill answered ${filled.status}`);
  log(`${ITEMS} items of ${ITEM.length} B over ${SHARDS} shards (stand-in in its own process)`);

  const all: Array<[string, () => Promise<number>]> = [
    // The loop uses the SDK's client as an application would; the library builds its own.
    ['hand-written GetRecords loop', () => handWritten(plain, streamName)],
    ['fromKinesis() + deserialize()', () => library(server.endpoint, streamName, false)],
    ['fromKinesis() + deserialize() + checkpoint()', () => library(server.endpoint, streamName, true)],
  ];
  const contenders = all.filter(([id]) => CONTENDER === undefined || id.includes(CONTENDER));
  const runs = new Map<string, Run[]>(contenders.map(([id]) => [id, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const [id, work] = contenders[(round + k) % contenders.length]!;
      const run = await measure(work);
      if (run.items !== ITEMS) throw new Error(`${id}: ${run.items} of ${ITEMS} items`);
      runs.get(id)!.push(run);
      log(
        `${id}: ${Math.round(run.items / run.seconds)} items/s, ${((run.cpuSeconds * 1e6) / run.items).toFixed(2)} µs CPU/item`,
      );
    }
  }
  const heap = CONTENDER === undefined ? await slowSubscriberHeap(server.endpoint, streamName) : undefined;
  const results: Array<{
    id: string;
    group: string;
    labels: Record<string, string>;
    metrics: Record<string, number>;
  }> = [];
  for (const [id, list] of runs) {
    results.push({
      id,
      group: 'consumer (4 shards, stand-in server in its own process, shardFetchRate 5)',
      labels: { contender: id },
      metrics: {
        'items/s': median(list.map((run) => run.items / run.seconds)),
        'client CPU µs/item': median(list.map((run) => (run.cpuSeconds * 1e6) / run.items)),
      },
    });
  }
  if (heap !== undefined) {
    results.push({
      id: 'fromKinesis() slow subscriber',
      group: 'consumer-heap',
      labels: { contender: 'fromKinesis() slow subscriber (10 ms/record), maxQueueSize 2000' },
      metrics: { 'peak heap MB': heap.peakHeapMiB, 'peak in flight': heap.peakInFlight },
    });
  }
  const comparisons = [
    {
      title: 'fromKinesis() + deserialize() vs hand-written GetRecords loop',
      metric: 'items/s',
      ours: 'fromKinesis() + deserialize()',
      baseline: 'hand-written GetRecords loop',
    },
    {
      title: 'fromKinesis() + deserialize() vs hand-written loop (client CPU per item)',
      metric: 'client CPU µs/item',
      ours: 'fromKinesis() + deserialize()',
      baseline: 'hand-written GetRecords loop',
      higherIsBetter: false,
    },
    {
      title: 'checkpoint() overhead (client CPU per item, without / with)',
      metric: 'client CPU µs/item',
      ours: 'fromKinesis() + deserialize() + checkpoint()',
      baseline: 'fromKinesis() + deserialize()',
      higherIsBetter: false,
    },
  ];
  const description = `drain ${ITEMS} ~100 B JSON items from ${SHARDS} shards of the stand-in, ${ROUNDS} interleaved rounds (medians), ${FETCH_RATE} GetRecords calls/s per shard for every contender`;
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        bench: 'consumer',
        title: 'Consumer against a hand-written GetRecords loop',
        description,
        results,
        comparisons,
      }),
    );
  } else {
    console.log(description);
    console.table(
      results.map((row) => ({
        ...row.labels,
        ...Object.fromEntries(Object.entries(row.metrics).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      })),
    );
    const metric = (id: string, name: string) => results.find((row) => row.id === id)?.metrics[name];
    const loop = metric(all[0]![0], 'items/s');
    const ours = metric(all[1]![0], 'items/s');
    const cpuWith = metric(all[2]![0], 'client CPU µs/item');
    const cpuWithout = metric(all[1]![0], 'client CPU µs/item');
    if (loop !== undefined && ours !== undefined)
      console.log(
        `fromKinesis() + deserialize() / hand-written loop: ${(ours / loop).toFixed(2)}× (target ≥ 0.95×)`,
      );
    if (cpuWith !== undefined && cpuWithout !== undefined)
      console.log(`checkpoint() overhead: ${(cpuWith / cpuWithout).toFixed(2)}× client CPU (target ≤ 1.15×)`);
  }
  client.destroy();
  plain.destroy();
  server.stop();
  process.exit(0);
}

void main();
