import { cpus } from 'node:os';
import { redactText } from '../../errors/redact.js';
import { counted } from '../plural.js';
import type { BenchTarget } from './benchTarget.js';
import type { BenchRun } from './benchProcessors.js';

/** The flags of `rxjs-kinesis bench` that its report shows. */
export interface BenchReportFlags {
  readonly records: number;
  readonly recordSizeKb: number;
  readonly shards: number;
  readonly iterations: number;
  readonly dryRun?: boolean;
  readonly endpoint?: string;
  readonly region?: string;
  readonly limits: boolean;
}

/** The settings line above the results: items, size, where, Node and CPUs. */
export function describeSettings(flags: BenchReportFlags, target: BenchTarget | undefined): string {
  const kib = flags.recordSizeKb === 1 ? '1 KiB' : `${flags.recordSizeKb} KiB`;
  const where =
    target === undefined
      ? 'dry run (serialize + aggregate only, no stream)'
      : `${counted(flags.shards, 'shard')} on ${target.description}`;
  return `${counted(flags.records, 'item')} of ~${kib}, ${where}, Node ${process.version}, ${counted(cpus().length, 'CPU')}`;
}

/** One run on one line, for --verbose. */
export function describeRun(run: BenchRun): string {
  const sent =
    run.putRecordsCalls === undefined
      ? ''
      : `, ${counted(run.putRecordsCalls, 'PutRecords call')}, ${counted(run.throttled ?? 0, ['throttled entry', 'throttled entries'])} re-sent, ${run.failed ?? 0} failed`;
  return `${run.processor} #${run.iteration}: ${counted(run.items, 'item')} -> ${counted(run.kinesisRecords, 'record')} in ${run.seconds.toFixed(2)} s${sent}`;
}

/** Decimal units, as async-kinesis prints them: 2.7 MB, 982.1 kB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const HEADERS = [
  'Processor',
  'Iteration',
  'Item bytes',
  'Kinesis bytes',
  'Time (s)',
  'Records/s',
  'Item MB/s',
  'Kinesis MB/s',
];
const VERBOSE_HEADERS = ['Kinesis records', 'PutRecords calls', 'Throttled'];

/** The header and one row per run; with `verbose`, records, calls and throttled entries too. */
export function tableRows(runs: readonly BenchRun[], verbose: boolean): string[][] {
  const header = verbose ? [...HEADERS, ...VERBOSE_HEADERS] : HEADERS;
  const rows = runs.map((run) => {
    const seconds = Math.max(run.seconds, 1e-9);
    const row = [
      run.processor,
      String(run.iteration),
      formatBytes(run.itemBytes),
      formatBytes(run.kinesisBytes),
      run.seconds < 10 ? run.seconds.toFixed(2) : run.seconds.toFixed(1),
      String(Math.round(run.items / seconds)),
      formatBytes(run.itemBytes / seconds),
      formatBytes(run.kinesisBytes / seconds),
    ];
    if (verbose) {
      row.push(String(run.kinesisRecords), String(run.putRecordsCalls ?? '-'), String(run.throttled ?? '-'));
    }
    return row;
  });
  return [header, ...rows];
}

export function markdownTable(rows: readonly string[][]): string {
  const [header, ...body] = rows as [string[], ...string[][]];
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
  return line(header) + line(header.map(() => '---')) + body.map(line).join('');
}

export function textTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) =>
            column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
          )
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** The --json output: the settings and every run with its rates. */
export function toJson(flags: BenchReportFlags, settings: string, runs: readonly BenchRun[]): unknown {
  return {
    settings: {
      description: settings,
      records: flags.records,
      recordSizeKb: flags.recordSizeKb,
      shards: flags.shards,
      iterations: flags.iterations,
      dryRun: flags.dryRun === true,
      target:
        flags.dryRun === true
          ? 'none'
          : flags.endpoint !== undefined
            ? redactText(flags.endpoint)
            : (flags.region ?? 'embedded'),
      limits: flags.limits,
      node: process.version,
    },
    runs: runs.map((run) => {
      const seconds = Math.max(run.seconds, 1e-9);
      return {
        ...run,
        recordsPerSecond: run.items / seconds,
        itemBytesPerSecond: run.itemBytes / seconds,
        kinesisBytesPerSecond: run.kinesisBytes / seconds,
      };
    }),
  };
}
