import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Command, Option } from 'commander';
import { redactText } from '../../errors/redact.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { createKinesisClient } from '../../kinesis/createKinesisClient.js';
import { cliConnection } from '../cliConnection.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../local/startLocalKinesis.js';
import {
  PROCESSOR_CHOICES,
  appendProcessor,
  parseEndpoint,
  parseRegion,
  positiveIntegerFlag,
  positiveNumberFlag,
  type ProcessorChoice,
} from '../parseFlags.js';
import { createProgress, type ProgressStream } from '../progress.js';
import { encodeOnly, makeBenchItems, putAll, type BenchRun } from './benchProcessors.js';

/** Where the command writes; replaceable in tests. */
export interface BenchCommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  /** Stop (and delete the stream) on SIGINT/SIGTERM. Default true. */
  readonly handleSignals?: boolean;
}

interface BenchFlags {
  readonly records: number;
  readonly recordSizeKb: number;
  readonly shards: number;
  readonly iterations: number;
  readonly processors?: ProcessorChoice[];
  readonly dryRun?: boolean;
  readonly markdown?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly endpoint?: string;
  readonly region?: string;
  readonly limits: boolean;
}

/** The run was stopped by SIGINT or SIGTERM. */
export class BenchInterruptedError extends RxjsKinesisError {
  constructor(signal: string) {
    super(`interrupted by ${signal}`, { retriable: false });
  }
}

/** Where the benchmark writes: the embedded Kinesis, or a stream it created on an endpoint/region. */
interface BenchTarget {
  readonly description: string;
  readonly client: KinesisClient;
  readonly streamName: string;
  cleanUp(): Promise<void>;
}

const EXAMPLES = `
Examples:
  rxjs-kinesis bench                                  # 50,000 x 1 KiB items per processor, embedded Kinesis, limits on
  rxjs-kinesis bench --dry-run -m                     # serialize + aggregate only, as a markdown table
  rxjs-kinesis bench -n 5000 -p json kpljson -i 3     # two processors, three iterations each
  rxjs-kinesis bench --records 10000 --shards 2 --processors json msgpack
  rxjs-kinesis bench --region eu-west-1 -n 10000      # real AWS: creates and deletes its own stream (costs money)

Records/s counts items per second. With limits on, one shard takes 1,000 records/s or 1 MiB/s:
processors that put one item per record top out near 1,000 items/s per shard, aggregating ones
(jsonline, jsonlist, msgpack, kpl*) near 1 MiB/s of items.`;

/** Adds `rxjs-kinesis bench`: processor throughput into Kinesis, as async-kinesis's benchmark measures it. */
export function registerBenchCommand(
  program: Command,
  io: BenchCommandIo = { stdout: process.stdout, stderr: process.stderr },
): Command {
  return program
    .command('bench')
    .description('measure processor throughput into Kinesis (embedded with limits on, or a real stream)')
    .option('-n, --records <n>', 'items per processor and iteration', positiveIntegerFlag(), 50_000)
    .option('-s, --record-size-kb <kib>', 'approximate size of one item in KiB', positiveNumberFlag(1000), 1)
    .option('--shards <n>', 'shards of the benchmark stream', positiveIntegerFlag(100), 1)
    .option('-i, --iterations <n>', 'runs per processor', positiveIntegerFlag(1000), 1)
    .option(
      '-p, --processors <names...>',
      `processors to run (default: all): ${PROCESSOR_CHOICES.map((c) => c.flag).join(' ')}`,
      appendProcessor,
    )
    .option('--dry-run', 'serialize and aggregate only; no stream is created')
    .addOption(new Option('-m, --markdown', 'print a markdown table').conflicts('json'))
    .addOption(new Option('--json', 'print the results as JSON').conflicts('markdown'))
    .option(
      '-v, --verbose',
      'more columns (records, PutRecords calls, throttled entries) and steps on stderr',
    )
    .option('--endpoint <url>', 'Kinesis endpoint to use instead of the embedded one', parseEndpoint)
    .option('--region <region>', 'AWS region: run against real Kinesis in this region', parseRegion)
    .option('--no-limits', 'embedded Kinesis without its per-shard limits')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: BenchFlags) => {
      try {
        await runBench(flags, io);
      } catch (error) {
        if (!(error instanceof BenchInterruptedError) || io.handleSignals === false) throw error;
        // Timers of the interrupted producer would keep the process alive: the stream is gone, leave.
        process.exit(130);
      }
    });
}

async function runBench(flags: BenchFlags, io: BenchCommandIo): Promise<void> {
  const processors = flags.processors ?? [...PROCESSOR_CHOICES];
  const itemBytes = Math.round(flags.recordSizeKb * 1024);
  const log = (text: string): void => {
    if (flags.verbose === true) io.stderr.write(`${text}\n`);
  };
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    io.stderr.write(`\n${signal}: stopping, cleaning up...\n`);
    controller.abort(new BenchInterruptedError(signal));
  };
  if (io.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const runs: BenchRun[] = [];
  let target: BenchTarget | undefined;
  try {
    if (flags.dryRun !== true) {
      target = await openTarget(flags, log);
      log(
        `stream ${target.streamName} (${flags.shards} shard${flags.shards === 1 ? '' : 's'}) on ${target.description}`,
      );
    }
    for (const choice of processors) {
      const items = makeBenchItems(choice, flags.records, itemBytes);
      for (let iteration = 1; iteration <= flags.iterations; iteration += 1) {
        if (controller.signal.aborted) throw controller.signal.reason;
        const run =
          target === undefined
            ? encodeOnly(choice, items, iteration)
            : await measurePut(choice, items, iteration, target, io, controller.signal);
        runs.push(run);
        log(describeRun(run));
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (target !== undefined) {
      log(`deleting stream ${target.streamName}`);
      await target.cleanUp();
    }
  }
  const settings = describeSettings(flags, target);
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify(toJson(flags, settings, runs), null, 2)}\n`);
  } else {
    const rows = tableRows(runs, flags.verbose === true);
    io.stdout.write(`${settings}\n\n`);
    io.stdout.write(flags.markdown === true ? markdownTable(rows) : textTable(rows));
  }
}

async function measurePut(
  choice: ProcessorChoice,
  items: readonly unknown[],
  iteration: number,
  target: BenchTarget,
  io: BenchCommandIo,
  signal: AbortSignal,
): Promise<BenchRun> {
  const progress = createProgress({
    stream: io.stderr,
    label: `${choice.label} #${iteration}`,
    total: items.length,
    unit: 'items',
  });
  try {
    return await putAll(choice, items, iteration, {
      client: target.client,
      streamName: target.streamName,
      signal,
      onProgress: (delivered, failed) =>
        progress.update(delivered, failed > 0 ? `${failed} failed` : undefined),
    });
  } finally {
    progress.stop();
  }
}

async function openTarget(flags: BenchFlags, log: (text: string) => void): Promise<BenchTarget> {
  const streamName = `rxjs-kinesis-bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  if (flags.endpoint === undefined && flags.region === undefined) {
    log(`starting the embedded Kinesis (limits ${flags.limits ? 'on' : 'off'})`);
    const local: LocalKinesis = await startLocalKinesis({ limits: flags.limits });
    try {
      await local.createStream(streamName, flags.shards);
    } catch (error) {
      await local.close();
      throw error;
    }
    const client = local.createClient();
    return {
      description: `the embedded Kinesis${flags.limits ? ' with limits on' : ' without limits'}`,
      client,
      streamName,
      async cleanUp() {
        client.destroy();
        await local.close();
      },
    };
  }
  const connection = cliConnection(flags);
  if (connection.notice !== undefined) log(connection.notice.trimEnd());
  const client = createKinesisClient({ ...connection.options, maxAttempts: 3 });
  const address = parseStreamAddress(streamName);
  log(`creating stream ${streamName}`);
  try {
    await ensureStream(client, address, { create: true, shardCount: flags.shards });
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    description:
      flags.endpoint !== undefined
        ? redactText(flags.endpoint)
        : `Kinesis in ${flags.region ?? 'the default region'}`,
    client,
    streamName,
    async cleanUp() {
      try {
        await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }));
      } finally {
        client.destroy();
      }
    },
  };
}

function describeSettings(flags: BenchFlags, target: BenchTarget | undefined): string {
  const kib = flags.recordSizeKb === 1 ? '1 KiB' : `${flags.recordSizeKb} KiB`;
  const where =
    target === undefined
      ? 'dry run (serialize + aggregate only, no stream)'
      : `${flags.shards} shard${flags.shards === 1 ? '' : 's'} on ${target.description}`;
  return `${flags.records.toLocaleString('en-US')} items of ~${kib}, ${where}, Node ${process.version}, ${cpus().length} CPUs`;
}

function describeRun(run: BenchRun): string {
  const sent =
    run.putRecordsCalls === undefined
      ? ''
      : `, ${run.putRecordsCalls} PutRecords calls, ${run.throttled ?? 0} throttled entries re-sent, ${run.failed ?? 0} failed`;
  return `${run.processor} #${run.iteration}: ${run.items} items -> ${run.kinesisRecords} records in ${run.seconds.toFixed(2)} s${sent}`;
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

function tableRows(runs: readonly BenchRun[], verbose: boolean): string[][] {
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

function markdownTable(rows: readonly string[][]): string {
  const [header, ...body] = rows as [string[], ...string[][]];
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
  return line(header) + line(header.map(() => '---')) + body.map(line).join('');
}

function textTable(rows: readonly string[][]): string {
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

function toJson(flags: BenchFlags, settings: string, runs: readonly BenchRun[]): unknown {
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
