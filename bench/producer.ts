/**
 * Producer benchmark: the library against a hand-written PutRecords loop, side by side, against
 * the fast Kinesis stand-in (bench/standInKinesis.ts) running in its own process, so only the
 * client's work is measured. Every contender uses the defaults that matter (queue bounds,
 * bufferTime, 8 calls in flight; the baseline keeps 8 calls in flight too); only the per-shard
 * pacing is raised for the throughput rows so that CPU alone bounds them. Rounds are interleaved
 * (the order rotates each round) and every figure is the median over the rounds.
 *
 * Rows: ~100 B and ~1 KiB JSON items one record each (compact JSON: JSON.stringify's own bytes),
 * ~100 B JSON items aggregated as JSON lines (baseline: hand-made lines) and as KPL records
 * (baseline: aws-kinesis-agg). Then a capacity run with Kinesis limits on in the stand-in
 * (1,000 records/s and 1 MiB/s per shard) at 1, 4, 16 and 64 shards.
 *
 * Run: npx tsx bench/producer.ts [--items 100000] [--rounds 3] [--seconds 10] [--json]
 *      [--only throughput|backlog|capacity] [--case JSON lines] [--contender Producer]
 *      [--shards 1,4,16,64]   (shard counts of the capacity run)
 *      [--isolate]   (each throughput run in a process of its own; see bench/isolatedRun.ts)
 * Profile one contender: node --cpu-prof --import tsx bench/producer.ts --only throughput \
 *      --case "1 KiB" --contender toKinesis --rounds 1
 * What one contender allocates, collected objects included (V8's sampling heap profiler, one
 * sample per 4 KiB on average): add --heap-sample <file.heapprofile> (open it in Chrome's
 * DevTools, or sum it with bench/heapSampleSummary.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import {
  CreateStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { lastValueFrom, Observable, reduce } from 'rxjs';
import { createKinesisClient, type KinesisConnectionOptions } from '../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../src/operators/toKinesis.js';
import { jsonLineProcessor, jsonProcessor, kplJsonProcessor } from '../src/processors/namedProcessors.js';
import type { Processor } from '../src/processors/Processor.js';
import { Producer } from '../src/producer/Producer.js';
import { randomPartitionKey } from '../src/producer/randomPartitionKey.js';
import { printIsolatedRun, runIsolated } from './isolatedRun.js';
import { plainKinesisClient } from './plainKinesisClient.js';
import { startStandInProcess } from './standInKinesis.js';

const ARGS = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const at = ARGS.indexOf(name);
  return at === -1 ? fallback : Number(ARGS[at + 1]);
};
const JSON_OUTPUT = ARGS.includes('--json');
const ITEMS = arg('--items', 100_000);
const ROUNDS = arg('--rounds', 3);
const SECONDS = arg('--seconds', 10);
const ONLY = ARGS.includes('--only') ? ARGS[ARGS.indexOf('--only') + 1] : undefined;
/** Only cases / contenders whose name holds this text (e.g. for a --cpu-prof run of one). */
const CASE = ARGS.includes('--case') ? ARGS[ARGS.indexOf('--case') + 1] : undefined;
const CONTENDER = ARGS.includes('--contender') ? ARGS[ARGS.indexOf('--contender') + 1] : undefined;
/** Where to write a sampled heap profile of the throughput runs (collected objects included). */
const HEAP_SAMPLE = ARGS.includes('--heap-sample') ? ARGS[ARGS.indexOf('--heap-sample') + 1] : undefined;
/** Each throughput run in a fresh process (--isolate); a child gets the parent's stand-in (--endpoint). */
const ISOLATE = ARGS.includes('--isolate');
const ENDPOINT = ARGS.includes('--endpoint') ? ARGS[ARGS.indexOf('--endpoint') + 1] : undefined;
const SHARDS = 4;
/** Shard counts of the capacity run (--shards 1,4,16,64). */
const CAPACITY_SHARDS = ARGS.includes('--shards')
  ? ARGS[ARGS.indexOf('--shards') + 1]!.split(',').map(Number)
  : [1, 4, 16, 64];
const IN_FLIGHT = 8;
const RAISED_PACING = { putRateLimitPerShard: 1e9, putBandwidthLimitPerShard: 1e9 };

interface Aggregated {
  partitionKey: string;
  data: Buffer;
}
interface AwsKinesisAgg {
  RecordAggregator: new () => {
    aggregateRecords(
      records: { partitionKey: string; data: Buffer }[],
      forceFlush: boolean,
      onReady: (error: Error | null, record?: Aggregated) => void,
    ): void;
  };
}
const awsKinesisAgg = createRequire(__filename)('aws-kinesis-agg') as AwsKinesisAgg;

type Item = Record<string, unknown>;

function makeItem(i: number, size: number): Item {
  return {
    id: i,
    user: `user-${i % 1000}`,
    ts: 1_700_000_000_000 + i,
    ok: i % 2 === 0,
    note: 'x'.repeat(Math.max(1, size - 80)),
  };
}
/**
 * The library's default key (16 random hex digits), so that keys cost both sides the same: a
 * per-item crypto.randomBytes() or Number#toString(16) costs more than the rest of a small
 * item's trip, and is not what is compared here.
 */
const randomKey = () => randomPartitionKey(Math.random);

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

/** Keeps IN_FLIGHT PutRecords calls going, taking batches from `next` until it returns none. */
async function baselineLoop(
  client: KinesisClient,
  streamName: string,
  next: () => PutRecordsRequestEntry[] | undefined,
): Promise<number> {
  let stored = 0;
  const worker = async () => {
    for (let entries = next(); entries !== undefined; entries = next()) {
      let pending = entries;
      while (pending.length > 0) {
        const answer = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
        const records = answer.Records ?? [];
        stored += pending.length - (answer.FailedRecordCount ?? 0);
        pending = answer.FailedRecordCount
          ? pending.filter((_, i) => records[i]?.ErrorCode !== undefined)
          : [];
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return stored;
}

/** One record per item: JSON.stringify + PutRecords, 500 entries a call. */
function plainBaseline(client: KinesisClient, streamName: string, size: number): Promise<number> {
  let i = 0;
  return baselineLoop(client, streamName, () => {
    if (i >= ITEMS) return undefined;
    const entries: PutRecordsRequestEntry[] = [];
    for (; i < ITEMS && entries.length < 500; i += 1) {
      entries.push({ Data: Buffer.from(JSON.stringify(makeItem(i, size))), PartitionKey: randomKey() });
    }
    return entries;
  }).then(() => ITEMS);
}

/** Hand-made JSON lines: items joined into ~1 MiB records, 5 records a call. */
function linesBaseline(client: KinesisClient, streamName: string, size: number): Promise<number> {
  let i = 0;
  return baselineLoop(client, streamName, () => {
    if (i >= ITEMS) return undefined;
    const entries: PutRecordsRequestEntry[] = [];
    while (i < ITEMS && entries.length < 5) {
      let text = '';
      for (; i < ITEMS && text.length < 1_000_000; i += 1) text += `${JSON.stringify(makeItem(i, size))}\n`;
      entries.push({ Data: Buffer.from(text), PartitionKey: randomKey() });
    }
    return entries;
  }).then(() => ITEMS);
}

/** aws-kinesis-agg: KPL records, 5 records a call (one random key per 1,000 items). */
function kplBaseline(client: KinesisClient, streamName: string, size: number): Promise<number> {
  let i = 0;
  const aggregator = new awsKinesisAgg.RecordAggregator();
  const ready: Aggregated[] = [];
  const onReady = (error: Error | null, record?: Aggregated) => {
    if (error) throw error;
    if (record) ready.push(record);
  };
  return baselineLoop(client, streamName, () => {
    while (ready.length < 5 && i < ITEMS) {
      const chunk: { partitionKey: string; data: Buffer }[] = [];
      // One random key per 1,000 items, as the library's default key does for aggregated items.
      const partitionKey = randomKey();
      for (const end = Math.min(ITEMS, i + 1000); i < end; i += 1) {
        chunk.push({ partitionKey, data: Buffer.from(JSON.stringify(makeItem(i, size))) });
      }
      aggregator.aggregateRecords(chunk, i >= ITEMS, onReady);
    }
    if (ready.length === 0) return undefined;
    return ready.splice(0, 5).map((record) => ({ Data: record.data, PartitionKey: record.partitionKey }));
  }).then(() => ITEMS);
}

/** Tells a paced source that `n` more items were reported. */
interface Pacing {
  reported: (n: number) => void;
}

/**
 * RxJS has no backpressure, so the source of a toKinesis() run emits as an application would
 * that watches the reports: at most what the default queue bounds hold for 4 shards (100,000 items, 64 MiB) not yet
 * reported, topped up after each PutRecords answer. The reports are counted through a plain
 * callback (an RxJS Subject here would cost the contender a few hundred bytes of garbage per
 * report that are not the library's).
 */
function pacedSource(count: number, size: number, window: number, pacing: Pacing): Observable<Item> {
  return new Observable<Item>((subscriber) => {
    let emitted = 0;
    let settled = 0;
    let scheduled = false;
    const pump = () => {
      scheduled = false;
      while (emitted < count && emitted - settled < window) {
        subscriber.next(makeItem(emitted, size));
        emitted += 1;
      }
      if (emitted >= count) subscriber.complete();
    };
    pacing.reported = (n) => {
      settled += n;
      if (!scheduled && emitted < count) {
        scheduled = true;
        queueMicrotask(pump);
      }
    };
    pump();
    return () => {
      pacing.reported = () => undefined;
    };
  });
}

function viaToKinesis(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  size: number,
): Promise<number> {
  const pacing: Pacing = { reported: () => undefined };
  return lastValueFrom(
    pacedSource(ITEMS, size, Math.min(100_000, Math.floor((60 * 1024 * 1024) / (size + 60))), pacing).pipe(
      toKinesis<Item>({ streamName, ...connection, processor, ...RAISED_PACING }),
      reduce((count, report) => {
        pacing.reported(1);
        return count + (report.status === 'delivered' ? 1 : 0);
      }, 0),
    ),
  );
}

async function viaProducer(
  connection: KinesisConnectionOptions,
  streamName: string,
  processor: Processor<Item>,
  size: number,
): Promise<number> {
  const producer = new Producer<Item>({ streamName, ...connection, processor, ...RAISED_PACING });
  let delivered = 0;
  producer.reports$.subscribe((report) => (delivered += report.status === 'delivered' ? 1 : 0));
  for (let i = 0; i < ITEMS; i += 1) await producer.put(makeItem(i, size));
  await producer.close();
  return delivered;
}

interface Row {
  id: string;
  group: string;
  labels: Record<string, string>;
  metrics: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Posts an inspector command and resolves with its answer. */
function post<R>(session: Session, method: string, params: object = {}): Promise<R> {
  return new Promise<R>((resolve, reject) =>
    session.post(method, params, (error, answer) => (error ? reject(error) : resolve(answer as R))),
  );
}

/**
 * Runs `work` under V8's sampling heap profiler, objects collected by minor and major GCs
 * included (so short-lived garbage shows too), and writes the profile to `file`.
 */
async function heapSampled(file: string, work: () => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await work();
  const { profile } = await post<{ profile: unknown }>(session, 'HeapProfiler.stopSampling');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
}

async function throughput(rows: Row[], comparisons: object[]): Promise<void> {
  const server =
    ENDPOINT === undefined
      ? await startStandInProcess({ limits: false })
      : { endpoint: ENDPOINT, stop: () => {} };
  const client = createKinesisClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  if (ENDPOINT === undefined) await createStream(client, 'bench', SHARDS);
  // The loops use the SDK's client as an application would; the library builds its own from the
  // endpoint, as it does when given no client.
  const plain = plainKinesisClient(server.endpoint);
  const connection = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  const compact = { style: 'compact' } as const;
  const cases: Array<{ name: string; contenders: Array<[string, () => Promise<number>]> }> = [
    {
      name: '~100 B, one record each (JSON)',
      contenders: [
        ['hand-written loop', () => plainBaseline(plain, 'bench', 100)],
        ['toKinesis()', () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 100)],
        ['Producer', () => viaProducer(connection, 'bench', jsonProcessor<Item>(compact), 100)],
      ],
    },
    {
      name: '~1 KiB, one record each (JSON)',
      contenders: [
        ['hand-written loop', () => plainBaseline(plain, 'bench', 1024)],
        ['toKinesis()', () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 1024)],
        ['Producer', () => viaProducer(connection, 'bench', jsonProcessor<Item>(compact), 1024)],
      ],
    },
    {
      name: '~100 B aggregated, JSON lines',
      contenders: [
        ['hand-written loop', () => linesBaseline(plain, 'bench', 100)],
        ['toKinesis()', () => viaToKinesis(connection, 'bench', jsonLineProcessor<Item>(compact), 100)],
        ['Producer', () => viaProducer(connection, 'bench', jsonLineProcessor<Item>(compact), 100)],
      ],
    },
    {
      name: '~100 B aggregated, KPL',
      contenders: [
        ['hand-written loop', () => kplBaseline(plain, 'bench', 100)],
        ['toKinesis()', () => viaToKinesis(connection, 'bench', kplJsonProcessor<Item>(compact), 100)],
        ['Producer', () => viaProducer(connection, 'bench', kplJsonProcessor<Item>(compact), 100)],
      ],
    },
  ];
  const runCases = async () => {
    for (const { name, contenders: all } of cases) await runCase(name, all);
  };
  const runCase = async (name: string, all: Array<[string, () => Promise<number>]>) => {
    if (CASE !== undefined && !name.includes(CASE)) return;
    const contenders = all.filter(([id]) => CONTENDER === undefined || id.includes(CONTENDER));
    const runs = new Map<string, Run[]>(contenders.map(([id]) => [id, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let k = 0; k < contenders.length; k += 1) {
        const [id, work] = contenders[(round + k) % contenders.length]!;
        if (ENDPOINT !== undefined) {
          printIsolatedRun(await measure(work));
          continue;
        }
        const run = ISOLATE
          ? await runIsolated(
              ['--only', 'throughput', '--case', name, '--contender', id, '--rounds', '1'].concat([
                '--items',
                String(ITEMS),
                '--endpoint',
                server.endpoint,
              ]),
            )
          : await measure(work);
        if (run.items !== ITEMS) throw new Error(`${name} / ${id}: ${run.items} of ${ITEMS} items delivered`);
        runs.get(id)!.push(run);
      }
    }
    for (const [id, list] of runs) {
      process.stderr.write(
        `${name} / ${id}: ${list.map((run) => Math.round(run.items / run.seconds)).join(', ')} items/s\n`,
      );
      rows.push({
        id: `${name} ${id}`,
        group: 'throughput (4 shards, stand-in server in its own process)',
        labels: { items: name, contender: id },
        metrics: {
          'items/s': median(list.map((run) => run.items / run.seconds)),
          'client CPU µs/item': median(list.map((run) => (run.cpuSeconds * 1e6) / run.items)),
        },
      });
    }
    for (const ours of ['toKinesis()', 'Producer']) {
      comparisons.push(
        {
          title: `${name}: ${ours} vs hand-written loop`,
          metric: 'items/s',
          ours: `${name} ${ours}`,
          baseline: `${name} hand-written loop`,
        },
        {
          title: `${name}: ${ours} vs hand-written loop (client CPU per item)`,
          metric: 'client CPU µs/item',
          ours: `${name} ${ours}`,
          baseline: `${name} hand-written loop`,
          higherIsBetter: false,
        },
      );
    }
  };
  if (HEAP_SAMPLE === undefined) await runCases();
  else await heapSampled(HEAP_SAMPLE, runCases);
  plain.destroy();
  client.destroy();
  server.stop();
}

/**
 * The share of capacity delivered in each whole second of the run's steady state: from 2 s after
 * the start to 1 s before the last answer (the start-up and the drain's last, partly filled
 * records left out). Writes under the limits come in bursts (up to a second's budget at once, or
 * one ~1 MiB record per shard per second), so a window that is not whole seconds would catch one
 * burst more or less than it paid for.
 */
function perSecondShares(
  samples: ReadonlyArray<{ time: number; records: number; bytes: number }>,
  share: (records: number, bytes: number, seconds: number) => number,
): number[] {
  const end = samples.length > 0 ? samples[samples.length - 1]!.time - 1000 : 0;
  const at = (time: number) => {
    let last = { records: 0, bytes: 0 };
    for (const sample of samples) {
      if (sample.time > time) break;
      last = sample;
    }
    return last;
  };
  const shares: number[] = [];
  for (let from = 2000; from + 1000 <= end; from += 1000) {
    const a = at(from);
    const b = at(from + 1000);
    shares.push(share(b.records - a.records, b.bytes - a.bytes, 1));
  }
  return shares.length > 0 ? shares : [Number.NaN];
}

async function capacity(rows: Row[]): Promise<void> {
  const server = await startStandInProcess({ limits: true });
  const client = createKinesisClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  for (const shards of CAPACITY_SHARDS) {
    for (const [kind, processor, size, perShardItems] of [
      ['~100 B, one record each', jsonProcessor<Item>({ style: 'compact' }), 100, 1000],
      ['~1 KiB, one record each', jsonProcessor<Item>({ style: 'compact' }), 1000, 1000],
      ['~100 B aggregated, KPL', kplJsonProcessor<Item>({ style: 'compact' }), 100, 9_000],
    ] as const) {
      if (CASE !== undefined && !kind.includes(CASE)) continue;
      const name = `cap-${shards}-${kind.length}-${Date.now()}`;
      await createStream(client, name, shards);
      // Enough items for SECONDS seconds at full capacity.
      const items = shards * perShardItems * SECONDS;
      let metrics = { records: 0, bytes: 0, throttled: 0, items: 0 };
      // Every metrics snapshot (one per PutRecords answer), for the per-second rates.
      const samples: Array<{ time: number; records: number; bytes: number }> = [];
      let startedAt = 0;
      const run = await measure(async () => {
        // Producer with every default (Kinesis pacing, queue bounds): put() waits while full.
        const producer = new Producer<Item>({ streamName: name, client, processor });
        startedAt = performance.now();
        producer.metrics$.subscribe((snapshot) => {
          metrics = snapshot.totals;
          samples.push({ time: performance.now() - startedAt, ...snapshot.totals });
        });
        // Items arrive through the event loop, as from a socket or a file: a loop that only
        // awaits put() (microtasks) would keep the send loop's timers and sockets waiting
        // until the queue is full.
        for (let i = 0; i < items; i += 1) {
          if (i % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          await producer.put(makeItem(i, size));
        }
        await producer.close();
        return metrics.items;
      });
      // Capacity: 1,000 records/s and 1 MiB/s per shard, whichever binds first.
      const share = (records: number, bytes: number, seconds: number) =>
        100 * Math.max(records / seconds / (shards * 1000), bytes / seconds / (shards * 1024 * 1024));
      const steady = median(perSecondShares(samples, share));
      rows.push({
        id: `capacity ${shards} ${kind}`,
        group: 'capacity under Kinesis limits (stand-in server, Producer defaults)',
        labels: { shards: String(shards), items: kind },
        metrics: {
          'items/s': metrics.items / run.seconds,
          '% of capacity (median second)': steady,
          '% of capacity (whole run)': share(metrics.records, metrics.bytes, run.seconds),
          'throttled entries': metrics.throttled,
          seconds: run.seconds,
          // Near 100 %: the client is CPU-bound (one JavaScript thread).
          'client CPU %': (100 * run.cpuSeconds) / run.seconds,
        },
      });
    }
  }
  client.destroy();
  server.stop();
}

/**
 * A source that does not await put(): every item is put at once and waits in the producer (the
 * path that was quadratic in the backlog). Per-item time should not grow with the backlog.
 */
async function backlog(rows: Row[]): Promise<void> {
  const server = await startStandInProcess({ limits: false });
  const client = createKinesisClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await createStream(client, 'backlog', SHARDS);
  for (const items of [100_000, 400_000]) {
    const run = await measure(async () => {
      const producer = new Producer<Item>({
        streamName: 'backlog',
        client,
        processor: jsonProcessor<Item>({ style: 'compact' }),
        ...RAISED_PACING,
      });
      let reported = 0;
      producer.reports$.subscribe(() => (reported += 1));
      for (let i = 0; i < items; i += 1) void producer.put(makeItem(i, 100));
      await producer.close();
      return reported;
    });
    if (run.items !== items) throw new Error(`backlog: ${run.items} of ${items} items reported`);
    rows.push({
      id: `backlog ${items}`,
      group: 'put() not awaited: every item waits in the producer (4 shards, stand-in)',
      labels: { items: String(items) },
      metrics: {
        seconds: run.seconds,
        'µs per item (wall)': (run.seconds * 1e6) / items,
        'client CPU µs/item': (run.cpuSeconds * 1e6) / items,
      },
    });
  }
  client.destroy();
  server.stop();
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const comparisons: object[] = [];
  if (ONLY === undefined || ONLY === 'throughput') await throughput(rows, comparisons);
  if (ONLY === undefined || ONLY === 'backlog') await backlog(rows);
  if (ONLY === undefined || ONLY === 'capacity') await capacity(rows);
  const description = `${ITEMS} items per run, ${ROUNDS} interleaved rounds (medians), ${IN_FLIGHT} calls in flight for every contender`;
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        bench: 'producer',
        title: 'Producer against a hand-written PutRecords loop',
        description,
        results: rows,
        comparisons,
      }),
    );
  } else {
    console.log(description);
    console.table(
      rows.map((row) => ({
        ...row.labels,
        ...Object.fromEntries(Object.entries(row.metrics).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      })),
    );
  }
  process.exit(0);
}

void main();
