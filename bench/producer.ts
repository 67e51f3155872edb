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
 * (baseline: aws-kinesis-agg). Contenders: the loop, `toKinesis()` fed by a source that keeps
 * the default queue bounds' worth unreported, `toKinesis()` fed by one paced to the calls in
 * flight (one record per item only: an aggregated record holds more items than that),
 * `Producer` (each put() awaited) and `Producer.putAll()`. Then a capacity run with Kinesis
 * limits on in the stand-in (1,000 records/s and 1 MiB/s per shard) at 1, 4, 16 and 64 shards.
 *
 * Run: npx tsx bench/producer.ts [--items 100000] [--rounds 3] [--seconds 10] [--json]
 *      [--only throughput|backlog|capacity] [--case JSON lines] [--contender Producer]
 *      [--shards 1,4,16,64]   (shard counts of the capacity run)
 *      [--isolate]   (each throughput run in a process of its own; see bench/isolatedRun.ts)
 *      [--window 58000]   (items the `toKinesis()` contender's source keeps unreported; default:
 *                          what the default queue bounds hold for 4 shards, a little under)
 * Profile one contender: node --cpu-prof --import tsx bench/producer.ts --only throughput \
 *      --case "1 KiB" --contender toKinesis --rounds 1
 * What one contender allocates, collected objects included (V8's sampling heap profiler, one
 * sample per 4 KiB on average): add --heap-sample <file.heapprofile> (open it in Chrome's
 * DevTools, or sum it with bench/heapSampleSummary.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import { jsonLineProcessor, jsonProcessor, kplJsonProcessor } from '../src/processors/namedProcessors.js';
import { Producer } from '../src/producer/Producer.js';
import { printIsolatedRun, runIsolated } from './isolatedRun.js';
import { capacity } from './producerCapacity.js';
import { createStream, measure, median, type Row, type Run } from './producerRuns.js';
import {
  CALLS_WINDOW,
  IN_FLIGHT,
  type Item,
  kplBaseline,
  linesBaseline,
  makeItem,
  plainBaseline,
  RAISED_PACING,
  viaProducer,
  viaProducerPutAll,
  viaToKinesis,
} from './producerContenders.js';
import { plainKinesisClient } from './plainKinesisClient.js';
import { startStandInProcess } from './standInKinesis.js';

const ARGS = process.argv.slice(2);
if (ARGS.includes('--help') || ARGS.includes('-h')) {
  process.stdout.write(
    [
      'npx tsx bench/producer.ts [--items 100000] [--rounds 3] [--seconds 10] [--json]',
      '  [--only throughput|backlog|capacity] [--case <text>] [--contender <text>]',
      '  [--shards 1,4,16,64] [--isolate] [--window <items>] [--heap-sample <file>]',
      'cases: "~100 B, one record each (JSON)", "~1 KiB, one record each (JSON)",',
      '  "~100 B aggregated, JSON lines", "~100 B aggregated, KPL" (capacity: "one record each", "KPL")',
      'contenders: "hand-written loop", "toKinesis()", "toKinesis(), paced", "Producer", "Producer.putAll()"',
      '--window: items the toKinesis() contender keeps unreported (default: the default queue bounds for 4 shards)',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
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
/** Items the `toKinesis()` contender's source keeps unreported (--window); default queueWindow(size). */
const WINDOW = ARGS.includes('--window') ? Number(ARGS[ARGS.indexOf('--window') + 1]) : undefined;
/** Shard counts of the capacity run (--shards 1,4,16,64). */
const CAPACITY_SHARDS = ARGS.includes('--shards')
  ? ARGS[ARGS.indexOf('--shards') + 1]!.split(',').map(Number)
  : [1, 4, 16, 64];

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
        ['hand-written loop', () => plainBaseline(plain, 'bench', 100, ITEMS)],
        [
          'toKinesis()',
          () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 100, ITEMS, WINDOW),
        ],
        [
          'toKinesis(), paced',
          () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 100, ITEMS, CALLS_WINDOW),
        ],
        ['Producer', () => viaProducer(connection, 'bench', jsonProcessor<Item>(compact), 100, ITEMS)],
        [
          'Producer.putAll()',
          () => viaProducerPutAll(connection, 'bench', jsonProcessor<Item>(compact), 100, ITEMS),
        ],
      ],
    },
    {
      name: '~1 KiB, one record each (JSON)',
      contenders: [
        ['hand-written loop', () => plainBaseline(plain, 'bench', 1024, ITEMS)],
        [
          'toKinesis()',
          () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 1024, ITEMS, WINDOW),
        ],
        [
          'toKinesis(), paced',
          () => viaToKinesis(connection, 'bench', jsonProcessor<Item>(compact), 1024, ITEMS, CALLS_WINDOW),
        ],
        ['Producer', () => viaProducer(connection, 'bench', jsonProcessor<Item>(compact), 1024, ITEMS)],
        [
          'Producer.putAll()',
          () => viaProducerPutAll(connection, 'bench', jsonProcessor<Item>(compact), 1024, ITEMS),
        ],
      ],
    },
    {
      name: '~100 B aggregated, JSON lines',
      contenders: [
        ['hand-written loop', () => linesBaseline(plain, 'bench', 100, ITEMS)],
        [
          'toKinesis()',
          () => viaToKinesis(connection, 'bench', jsonLineProcessor<Item>(compact), 100, ITEMS, WINDOW),
        ],
        ['Producer', () => viaProducer(connection, 'bench', jsonLineProcessor<Item>(compact), 100, ITEMS)],
        [
          'Producer.putAll()',
          () => viaProducerPutAll(connection, 'bench', jsonLineProcessor<Item>(compact), 100, ITEMS),
        ],
      ],
    },
    {
      name: '~100 B aggregated, KPL',
      contenders: [
        ['hand-written loop', () => kplBaseline(plain, 'bench', 100, ITEMS)],
        [
          'toKinesis()',
          () => viaToKinesis(connection, 'bench', kplJsonProcessor<Item>(compact), 100, ITEMS, WINDOW),
        ],
        ['Producer', () => viaProducer(connection, 'bench', kplJsonProcessor<Item>(compact), 100, ITEMS)],
        [
          'Producer.putAll()',
          () => viaProducerPutAll(connection, 'bench', kplJsonProcessor<Item>(compact), 100, ITEMS),
        ],
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
                ...(WINDOW === undefined ? [] : ['--window', String(WINDOW)]),
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
    for (const ours of contenders.map(([id]) => id).filter((id) => id !== 'hand-written loop')) {
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
  if (ONLY === undefined || ONLY === 'capacity') {
    await capacity(rows, { caseName: CASE, seconds: SECONDS, shardCounts: CAPACITY_SHARDS });
  }
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
