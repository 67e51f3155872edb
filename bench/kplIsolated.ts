/**
 * KPL aggregation and deaggregation against aws-kinesis-agg, each contender in a process of its
 * own: the same items and records as bench/processors.ts's KPL rows (100,000 serialized items of
 * ~100 B and ~1 KiB, 64 partition keys, 1 MiB records, MD5 computed and checked on both sides).
 *
 * In bench/processors.ts both libraries run in one process, so the garbage one leaves (and the
 * allocation-site feedback it gives V8) is collected during the other's timed runs; process CPU
 * time also counts V8's GC threads. Here every figure comes from a fresh process that warms up,
 * then times its own runs in process CPU time; the processes of the two contenders alternate.
 *
 * Run: npx tsx bench/kplIsolated.ts [--processes 5] [--rounds 5] [--warmup 10]
 * (the median over --processes processes of each process's median of --rounds runs, timed after
 * --warmup untimed runs).
 *
 * The warm-up matters for aggregation: both libraries write their records into fresh buffers of
 * up to 1 MiB, which the C library takes from new pages (a page fault per 4 KiB) until freed ones
 * are there to reuse, i.e. until garbage collection has freed a few runs' records. A long-running
 * producer is past that point; `--warmup 1` shows the cold figure.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AggregatedRecord, AggregatorEntry } from '../src/processors/Aggregator.js';
import { kplAggregator } from '../src/processors/aggregators/kplAggregator.js';

const ITEMS = 100_000;
const LIMIT = 1024 * 1024;
const MARK = 'KPL-RUN ';
const SIZES = [100, 1024] as const;
const OPERATIONS = ['aggregate', 'deaggregate'] as const;
const CONTENDERS = ['rxjs-kinesis', 'aws-kinesis-agg'] as const;
type Operation = (typeof OPERATIONS)[number];
type Contender = (typeof CONTENDERS)[number];

interface Oracle {
  RecordAggregator: new () => {
    aggregateRecords(
      records: { partitionKey: string; data: Buffer }[],
      forceFlush: boolean,
      onReady: (error: Error | null, record?: { data: Buffer }) => void,
    ): void;
  };
  deaggregateSync(
    record: { partitionKey: string; sequenceNumber: string; data: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: unknown[]) => void,
  ): void;
}

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const PROCESSES = argument('--processes', 5);
const ROUNDS = argument('--rounds', 5);
const WARMUP = argument('--warmup', 10);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function cpuSeconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The same items as bench/processors.ts: serialized, with 64 partition keys. */
function entriesOf(approx: number): AggregatorEntry[] {
  return Array.from({ length: ITEMS }, (_, i) => ({
    data: Buffer.from(`${i}:${'y'.repeat(approx - 8)}`.slice(0, approx)),
    partitionKey: `pk-${i % 64}`,
  }));
}

function aggregateOurs(entries: readonly AggregatorEntry[]): AggregatedRecord[] {
  const accumulator = kplAggregator().createAccumulator(LIMIT);
  const records: AggregatedRecord[] = [];
  // An indexed loop: V8 does not always remove a for-of loop's iterator results here, and that
  // garbage (~40 B per item) is the harness's, not the library's.
  for (let i = 0; i < entries.length; i += 1) {
    const closed = accumulator.add(entries[i]!);
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

/** One process: builds its inputs, warms up (WARMUP runs), times ROUNDS runs, prints the median. */
function child(contender: Contender, operation: Operation, approx: number): void {
  const oracle = createRequire(__filename)('aws-kinesis-agg') as Oracle;
  const entries = entriesOf(approx);
  const kpl = kplAggregator();
  let kept: unknown;
  let run: () => void;
  if (operation === 'aggregate') {
    run =
      contender === 'rxjs-kinesis'
        ? () => {
            kept = aggregateOurs(entries);
          }
        : () => {
            const built: Buffer[] = [];
            new oracle.RecordAggregator().aggregateRecords(
              entries.map((e) => ({ partitionKey: e.partitionKey, data: e.data as Buffer })),
              true,
              (error, record) => {
                if (error) throw error;
                if (record) built.push(record.data);
              },
            );
            kept = built;
          };
  } else {
    const records = aggregateOurs(entries);
    const base64 = records.map((r) => Buffer.from(r.data).toString('base64'));
    run =
      contender === 'rxjs-kinesis'
        ? () => {
            for (const record of records) kept = kpl.deaggregate(record);
          }
        : () => {
            for (const data of base64) {
              oracle.deaggregateSync(
                { partitionKey: 'pk', sequenceNumber: '1', data },
                true,
                (error, out) => {
                  if (error) throw error;
                  kept = out;
                },
              );
            }
          };
  }
  for (let i = 0; i < WARMUP; i += 1) run();
  const seconds = median(Array.from({ length: ROUNDS }, () => cpuSeconds(run)));
  if (kept === undefined) throw new Error('nothing was produced');
  process.stdout.write(`${MARK}${seconds}\n`);
}

function spawnChild(contender: Contender, operation: Operation, approx: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        ...process.execArgv,
        process.argv[1]!,
        '--child',
        contender,
        operation,
        String(approx),
        '--rounds',
        String(ROUNDS),
        '--warmup',
        String(WARMUP),
      ],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const line = stdout.split('\n').find((text) => text.startsWith(MARK));
        if (line === undefined)
          return reject(new Error(`no figure from ${contender} ${operation} ${approx}`));
        resolve(Number(line.slice(MARK.length)));
      },
    );
  });
}

async function main(): Promise<void> {
  console.log(
    `Node ${process.version}, ${ITEMS.toLocaleString('en-US')} items, each figure the median of ${PROCESSES} ` +
      `processes (each the median of ${ROUNDS} runs after ${WARMUP} untimed runs, process CPU time), contenders alternated\n`,
  );
  console.log('| KPL | item size | rxjs-kinesis items/s | aws-kinesis-agg items/s | speed-up |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const approx of SIZES) {
    for (const operation of OPERATIONS) {
      const figures: Record<Contender, number[]> = { 'rxjs-kinesis': [], 'aws-kinesis-agg': [] };
      for (let i = 0; i < PROCESSES; i += 1) {
        const order = i % 2 === 0 ? CONTENDERS : ([...CONTENDERS].reverse() as Contender[]);
        for (const contender of order)
          figures[contender].push(await spawnChild(contender, operation, approx));
      }
      const ours = median(figures['rxjs-kinesis']);
      const theirs = median(figures['aws-kinesis-agg']);
      const rate = (seconds: number) => Math.round(ITEMS / seconds).toLocaleString('en-US');
      console.log(
        `| ${operation === 'deaggregate' ? 'deaggregate (MD5 checked)' : 'aggregate'} | ~${approx} B | ` +
          `${rate(ours)} | ${rate(theirs)} | ${(theirs / ours).toFixed(1)}× |`,
      );
    }
  }
}

const at = process.argv.indexOf('--child');
if (at !== -1) {
  child(process.argv[at + 1] as Contender, process.argv[at + 2] as Operation, Number(process.argv[at + 3]));
} else {
  void main();
}
