/**
 * Processor throughput: encode (serialize + aggregate) and decode (deaggregate + deserialize)
 * of every named processor on 100,000 items of ~100 bytes and ~1 KiB, and the KPL aggregator
 * against aws-kinesis-agg. Prints markdown tables. Run: npx tsx bench/processors.ts
 * [--rounds 5] [--case jsonLine] (only the rows whose name holds the text; "KPL" for the KPL rows).
 * Every figure is the median of interleaved runs, timed in process CPU time (not wall time).
 * With --json it prints the results as one JSON document instead (read by bench/run-all.ts).
 */
import { createRequire } from 'node:module';
import { Packr } from 'msgpackr';
import type { AggregatedRecord, AggregatorEntry } from '../src/processors/Aggregator.js';
import { kplAggregator } from '../src/processors/aggregators/kplAggregator.js';
import {
  jsonLineProcessor,
  jsonListProcessor,
  jsonProcessor,
  kplJsonProcessor,
  kplMsgpackProcessor,
  kplStringProcessor,
  msgpackProcessor,
  stringProcessor,
} from '../src/processors/namedProcessors.js';
import type { Processor } from '../src/processors/Processor.js';
import { packForPython, pythonPackr } from '../src/processors/serializers/msgpackSerializer.js';
import { textPathOf, type TextPath } from '../src/processors/textPathOf.js';

const ITEMS = 100_000;
const LIMIT = 1024 * 1024;
/**
 * Outputs are kept in a ring of 1,024 slots (so none is optimised away): keeping all 100,000
 * would retain up to ~100 MB per case, and the garbage collection that causes lands at random
 * on one contender or the other (msgpack encode at ~1 KiB read 0.57× and 1.28× in two runs).
 */
const SINK_MASK = 1023;

interface OracleAggregator {
  aggregateRecords(
    records: { partitionKey: string; data: Buffer }[],
    forceFlush: boolean,
    onReady: (error: Error | null, record?: { data: Buffer }) => void,
  ): void;
}
interface Oracle {
  RecordAggregator: new () => OracleAggregator;
  deaggregateSync(
    record: { partitionKey: string; sequenceNumber: string; data: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: { data: string; partitionKey: string }[]) => void,
  ): void;
}
const oracle = createRequire(__filename)('aws-kinesis-agg') as Oracle;

function makeObjects(approxBytes: number): Record<string, unknown>[] {
  const filler = 'x'.repeat(Math.max(0, approxBytes - 80));
  return Array.from({ length: ITEMS }, (_, i) => ({
    id: i,
    user: `user-${i % 1000}`,
    ts: 1_700_000_000_000 + i,
    ok: i % 2 === 0,
    note: filler,
  }));
}

function makeStrings(approxBytes: number): string[] {
  return Array.from({ length: ITEMS }, (_, i) => `${i}:${'y'.repeat(approxBytes - 8)}`.slice(0, approxBytes));
}

const argument = (flag: string): string | undefined => {
  const at = process.argv.indexOf(flag);
  return at === -1 ? undefined : process.argv[at + 1];
};
/** Interleaved rounds per figure (--rounds, default 5). */
const ROUNDS = Number(argument('--rounds') ?? 5);
/** Only the rows whose name holds this text (--case, e.g. "jsonLine" or "KPL"). */
const CASE = argument('--case');
const picked = (name: string): boolean => CASE === undefined || name.includes(CASE);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * CPU seconds (user + system of this process) of one synchronous run: on a shared machine the
 * wall time also counts the time other processes held the CPU, the process CPU time does not.
 */
function once(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Median seconds of ROUNDS runs after a warm-up. */
function time(run: () => void): number {
  run(); // warm-up
  return median(Array.from({ length: ROUNDS }, () => once(run)));
}

/** Median seconds of each of two runs, interleaved (ours, theirs, theirs, ours, ...) after warm-ups. */
function pair(ours: () => void, theirs: () => void): [number, number] {
  ours();
  theirs();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    if (i % 2 === 0) {
      a.push(once(ours));
      b.push(once(theirs));
    } else {
      b.push(once(theirs));
      a.push(once(ours));
    }
  }
  return [median(a), median(b)];
}

/**
 * Encodes as the producer does: on the text path when the serializer and the aggregator both
 * have one (JSON lines), else item by item through bytes.
 */
function encode<T>(processor: Processor<T>, items: readonly T[]): AggregatedRecord[] {
  const textPath = textPathOf(processor);
  if (textPath !== undefined) return encodeText(textPath, items);
  const accumulator = processor.aggregator.createAccumulator(LIMIT);
  const records: AggregatedRecord[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const closed = accumulator.add({
      data: processor.serializer.serialize(items[i] as T),
      partitionKey: `pk-${i % 64}`,
    });
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

function encodeText<T>(textPath: TextPath<T>, items: readonly T[]): AggregatedRecord[] {
  const { serializer } = textPath;
  const accumulator = textPath.aggregator.createAccumulator(LIMIT, serializer);
  const records: AggregatedRecord[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const text = serializer.serialize(items[i] as T);
    const closed = accumulator.add({
      text,
      // ASCII text's byte count is its length; else the accumulator counts the bytes, in bulk.
      textBytes: serializer.ascii ? text.length : undefined,
      partitionKey: `pk-${i % 64}`,
    });
    if (closed) records.push(closed);
  }
  const last = accumulator.flush();
  if (last) records.push(last);
  return records;
}

/** Decodes as deserialize() does: on the text path when there is one and the record is valid UTF-8. */
function decode<T>(processor: Processor<T>, records: readonly AggregatedRecord[]): number {
  let count = 0;
  const textPath = textPathOf(processor);
  for (const record of records) {
    const texts = textPath?.aggregator.deaggregate(record);
    if (texts !== undefined) {
      for (let i = 0; i < texts.length; i += 1) textPath!.serializer.deserialize(texts[i]!);
      count += texts.length;
      continue;
    }
    for (const part of processor.aggregator.deaggregate(record)) {
      processor.serializer.deserialize(part.data);
      count += 1;
    }
  }
  return count;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number, seconds: number): string => (bytes / seconds / 1e6).toFixed(1);

const rows: string[] = [];
const kplRows: string[] = [];
const rawRows: string[] = [];

/** Machine-readable results (--json): one entry per table row, plus ours-vs-theirs pairs. */
interface JsonResult {
  id: string;
  group: string;
  labels: Record<string, string>;
  metrics: Record<string, number>;
}
const jsonResults: JsonResult[] = [];
const jsonComparisons: { title: string; metric: string; ours: string; baseline: string }[] = [];

for (const approx of [100, 1024]) {
  const objects = makeObjects(approx);
  const strings = makeStrings(approx);
  const cases: [string, Processor<unknown>, readonly unknown[]][] = [
    ['stringProcessor', stringProcessor() as Processor<unknown>, strings],
    ['jsonProcessor', jsonProcessor(), objects],
    ['jsonProcessor (compact)', jsonProcessor({ style: 'compact' }), objects],
    ['jsonLineProcessor', jsonLineProcessor(), objects],
    ['jsonListProcessor', jsonListProcessor(), objects],
    ['msgpackProcessor', msgpackProcessor(), objects],
    ['kplJsonProcessor', kplJsonProcessor(), objects],
    ['kplStringProcessor', kplStringProcessor() as Processor<unknown>, strings],
    ['kplMsgpackProcessor', kplMsgpackProcessor(), objects],
  ];
  for (const [name, processor, items] of cases) {
    if (!picked(name)) continue;
    let records: AggregatedRecord[] = [];
    const encodeSeconds = time(() => {
      records = encode(processor, items);
    });
    const bytes = records.reduce((sum, r) => sum + r.data.byteLength, 0);
    let decoded = 0;
    const decodeSeconds = time(() => {
      decoded = decode(processor, records);
    });
    if (decoded !== items.length) throw new Error(`${name}: decoded ${decoded} of ${items.length}`);
    jsonResults.push({
      id: `${name} ~${approx} B`,
      group: 'encode and decode',
      labels: { processor: name, 'item size': `~${approx} B` },
      metrics: {
        records: records.length,
        'encode items/s': items.length / encodeSeconds,
        'encode MB/s': bytes / encodeSeconds / 1e6,
        'decode items/s': items.length / decodeSeconds,
        'decode MB/s': bytes / decodeSeconds / 1e6,
      },
    });
    rows.push(
      `| ${name} | ~${approx} B | ${fmt(records.length)} | ${fmt(items.length / encodeSeconds)} | ` +
        `${mb(bytes, encodeSeconds)} | ${fmt(items.length / decodeSeconds)} | ${mb(bytes, decodeSeconds)} |`,
    );
  }

  rawComparisons(approx, objects);
  if (picked('KPL')) kplComparison(approx, strings);
}

/** KPL aggregation alone, on already-serialized items: ours vs aws-kinesis-agg. */
function kplComparison(approx: number, strings: readonly string[]): void {
  const entries: AggregatorEntry[] = strings.map((s, i) => ({
    data: Buffer.from(s),
    partitionKey: `pk-${i % 64}`,
  }));
  const kpl = kplAggregator();
  let ours: AggregatedRecord[] = [];
  const [oursAggregate, theirsAggregate] = pair(
    () => {
      const accumulator = kpl.createAccumulator(LIMIT);
      ours = [];
      // Indexed: a for-of loop's iterator results are not always removed here (harness garbage).
      for (let i = 0; i < entries.length; i += 1) {
        const closed = accumulator.add(entries[i]!);
        if (closed) ours.push(closed);
      }
      const last = accumulator.flush();
      if (last) ours.push(last);
    },
    () => {
      const built: Buffer[] = [];
      const aggregator = new oracle.RecordAggregator();
      aggregator.aggregateRecords(
        entries.map((e) => ({ partitionKey: e.partitionKey, data: e.data as Buffer })),
        true,
        (error, record) => {
          if (error) throw error;
          if (record) built.push(record.data);
        },
      );
    },
  );
  const base64 = ours.map((r) => Buffer.from(r.data).toString('base64'));
  const [oursDeaggregate, theirsDeaggregate] = pair(
    () => {
      for (const record of ours) kpl.deaggregate(record);
    },
    () => {
      for (const data of base64) {
        oracle.deaggregateSync({ partitionKey: 'pk', sequenceNumber: '1', data }, true, (error) => {
          if (error) throw error;
        });
      }
    },
  );
  // deserialize()'s route: the record checked whole (MD5, protobuf, key indexes), each item's
  // bytes and key made as it goes out. aws-kinesis-agg's records carry the same two fields.
  let touched = 0;
  const [oursLazily, theirsAgain] = pair(
    () => {
      for (const record of ours) {
        const items = kpl.deaggregateLazily!(record);
        for (let i = 0; i < items.count; i += 1)
          touched += items.data(i).length + items.partitionKey(i).length;
      }
    },
    () => {
      for (const data of base64) {
        oracle.deaggregateSync({ partitionKey: 'pk', sequenceNumber: '1', data }, true, (error, records) => {
          if (error) throw error;
          for (const record of records ?? []) touched += record.data.length + record.partitionKey.length;
        });
      }
    },
  );
  if (touched === 0) throw new Error('KPL: no item read');
  for (const [operation, oursSeconds, theirsSeconds] of [
    ['aggregate', oursAggregate, theirsAggregate],
    ['deaggregate (MD5 checked)', oursDeaggregate, theirsDeaggregate],
    ['deaggregate lazily, as deserialize() reads (MD5 checked)', oursLazily, theirsAgain],
  ] as const) {
    for (const [library, seconds] of [
      ['rxjs-kinesis', oursSeconds],
      ['aws-kinesis-agg', theirsSeconds],
    ] as const) {
      jsonResults.push({
        id: `KPL ${operation} ~${approx} B ${library}`,
        group: 'KPL',
        labels: { operation, 'item size': `~${approx} B`, library },
        metrics: { 'items/s': ITEMS / seconds },
      });
    }
    jsonComparisons.push({
      title: `KPL ${operation}, ~${approx} B items: rxjs-kinesis vs aws-kinesis-agg`,
      metric: 'items/s',
      ours: `KPL ${operation} ~${approx} B rxjs-kinesis`,
      baseline: `KPL ${operation} ~${approx} B aws-kinesis-agg`,
    });
  }
  kplRows.push(
    `| aggregate | ~${approx} B | ${fmt(ITEMS / oursAggregate)} | ${fmt(ITEMS / theirsAggregate)} | ` +
      `${(theirsAggregate / oursAggregate).toFixed(1)}× |`,
    `| deaggregate (MD5 checked) | ~${approx} B | ${fmt(ITEMS / oursDeaggregate)} | ` +
      `${fmt(ITEMS / theirsDeaggregate)} | ${(theirsDeaggregate / oursDeaggregate).toFixed(1)}× |`,
    `| deaggregate lazily, as deserialize() reads (MD5 checked) | ~${approx} B | ${fmt(ITEMS / oursLazily)} | ` +
      `${fmt(ITEMS / theirsAgain)} | ${(theirsAgain / oursLazily).toFixed(1)}× |`,
  );
}

/**
 * Each processor against the raw operation it wraps, producing the same bytes: JSON.stringify +
 * Buffer.from (compact JSON), msgpackr's pack/unpack (same options), hand-made JSON lines.
 */
function rawComparisons(approx: number, objects: readonly Record<string, unknown>[]): void {
  const json = jsonProcessor({ style: 'compact' });
  const pythonJson = jsonProcessor();
  const msgpack = msgpackProcessor();
  const lines = jsonLineProcessor({ style: 'compact' });
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const fallbackPackr = pythonPackr();
  const encoded = objects.map((item) => Buffer.from(JSON.stringify(item)));
  const packed = objects.map((item) => packr.pack(item));
  const lineRecords = encode(lines, objects);
  const sink: unknown[] = new Array<unknown>(SINK_MASK + 1);
  const cases: Array<[string, () => void, () => void, string]> = [
    [
      'jsonProcessor (compact) encode',
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = json.serializer.serialize(objects[i]);
      },
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = Buffer.from(JSON.stringify(objects[i]));
      },
      'JSON.stringify + Buffer.from',
    ],
    [
      'jsonProcessor (python) encode',
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = pythonJson.serializer.serialize(objects[i]);
      },
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = Buffer.from(JSON.stringify(objects[i]));
      },
      'JSON.stringify + Buffer.from (compact bytes)',
    ],
    [
      'jsonProcessor decode',
      () => {
        for (let i = 0; i < encoded.length; i += 1)
          sink[i & SINK_MASK] = json.serializer.deserialize(encoded[i]!);
      },
      () => {
        for (let i = 0; i < encoded.length; i += 1)
          sink[i & SINK_MASK] = JSON.parse(encoded[i]!.toString('utf8'));
      },
      'Buffer toString + JSON.parse',
    ],
    [
      'msgpackProcessor serializer encode',
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = msgpack.serializer.serialize(objects[i]);
      },
      () => {
        for (let i = 0; i < objects.length; i += 1) sink[i & SINK_MASK] = packr.pack(objects[i]);
      },
      'msgpackr pack',
    ],
    [
      // The path of items the one-pass writer leaves to msgpackr (maps, sets, class instances,
      // ...), which every item took before the writer: msgpackr's pack and the fix-up walk.
      'msgpackProcessor serializer encode, msgpackr + fix-up path',
      () => {
        for (let i = 0; i < objects.length; i += 1)
          sink[i & SINK_MASK] = packForPython(fallbackPackr, objects[i]);
      },
      () => {
        for (let i = 0; i < objects.length; i += 1) sink[i & SINK_MASK] = packr.pack(objects[i]);
      },
      'msgpackr pack',
    ],
    [
      'msgpackProcessor serializer decode',
      () => {
        for (let i = 0; i < packed.length; i += 1)
          sink[i & SINK_MASK] = msgpack.serializer.deserialize(packed[i]!);
      },
      () => {
        for (let i = 0; i < packed.length; i += 1) sink[i & SINK_MASK] = packr.unpack(packed[i]!);
      },
      'msgpackr unpack',
    ],
    [
      'jsonLineProcessor (compact) encode',
      () => {
        encode(lines, objects);
      },
      () => {
        const records: Buffer[] = [];
        let text = '';
        for (const item of objects) {
          const line = JSON.stringify(item);
          if (text.length + line.length + 1 > LIMIT - 16) {
            records.push(Buffer.from(text));
            text = '';
          }
          text += `${line}\n`;
        }
        if (text !== '') records.push(Buffer.from(text));
      },
      'JSON.stringify lines joined + Buffer.from',
    ],
    [
      'jsonLineProcessor decode',
      () => {
        decode(lines, lineRecords);
      },
      () => {
        for (const record of lineRecords) {
          for (const line of Buffer.from(record.data).toString('utf8').split('\n'))
            if (line !== '') JSON.parse(line);
        }
      },
      'toString + split + JSON.parse',
    ],
  ];
  for (const [name, ours, theirs, baselineName] of cases) {
    if (!picked(name)) continue;
    const [oursSeconds, theirsSeconds] = pair(ours, theirs);
    const oursId = `raw ${name} ~${approx} B rxjs-kinesis`;
    const theirsId = `raw ${name} ~${approx} B baseline`;
    jsonResults.push(
      {
        id: oursId,
        group: 'processors vs the raw operation',
        labels: { operation: name, 'item size': `~${approx} B`, implementation: 'rxjs-kinesis' },
        metrics: { 'items/s': objects.length / oursSeconds },
      },
      {
        id: theirsId,
        group: 'processors vs the raw operation',
        labels: { operation: name, 'item size': `~${approx} B`, implementation: baselineName },
        metrics: { 'items/s': objects.length / theirsSeconds },
      },
    );
    jsonComparisons.push({
      title: `${name}, ~${approx} B items vs ${baselineName}`,
      metric: 'items/s',
      ours: oursId,
      baseline: theirsId,
    });
    rawRows.push(
      `| ${name} | ~${approx} B | ${fmt(objects.length / oursSeconds)} | ${baselineName} | ${fmt(objects.length / theirsSeconds)} | ${(theirsSeconds / oursSeconds).toFixed(2)}× |`,
    );
  }
}

if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({
      bench: 'processors',
      title: 'Processors: encode and decode',
      description: `${ITEMS} items per run, median of ${ROUNDS} (pairs interleaved), 1 MiB records; MB/s counts record bytes`,
      results: jsonResults,
      comparisons: jsonComparisons,
    }),
  );
  process.exit(0);
}

console.log(
  `Node ${process.version}, ${ITEMS.toLocaleString('en-US')} items per run, median of ${ROUNDS} (pairs interleaved), 1 MiB records\n`,
);
console.log(
  '| processor | item size | records | encode items/s | encode MB/s | decode items/s | decode MB/s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log('\nMB/s counts record bytes on the wire.\n');
console.log('| KPL | item size | rxjs-kinesis items/s | aws-kinesis-agg items/s | speed-up |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of kplRows) console.log(row);
console.log('\n| operation | item size | rxjs-kinesis items/s | raw operation | raw items/s | ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rawRows) console.log(row);
