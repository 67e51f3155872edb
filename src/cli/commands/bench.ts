import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import {
  PROCESSOR_CHOICES,
  appendProcessor,
  parseEndpoint,
  parseRegion,
  positiveIntegerFlag,
  positiveNumberFlag,
  type ProcessorChoice,
} from '../parseFlags.js';
import { counted } from '../plural.js';
import { createProgress, type ProgressStream } from '../progress.js';
import { encodeOnly, makeBenchItems, putAll, type BenchRun } from './benchProcessors.js';
import {
  describeRun,
  describeSettings,
  markdownTable,
  tableRows,
  textTable,
  toJson,
  type BenchReportFlags,
} from './benchReport.js';
import { openTarget, type BenchTarget, type BenchTargetFlags } from './benchTarget.js';

/** Where the command writes; replaceable in tests. */
export interface BenchCommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  /** Stop (and delete the stream) on SIGINT/SIGTERM. Default true. */
  readonly handleSignals?: boolean;
}

interface BenchFlags extends BenchReportFlags, BenchTargetFlags {
  readonly processors?: ProcessorChoice[];
  readonly markdown?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** The run was stopped by SIGINT or SIGTERM. */
export class BenchInterruptedError extends RxjsKinesisError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, { retriable: false });
  }
}

const EXAMPLES = `
Examples:
  rxjs-kinesis bench                                # 50,000 x 1 KiB items per processor,
                                                    # embedded Kinesis, limits on
  rxjs-kinesis bench --dry-run -m                   # serialize + aggregate only, markdown table
  rxjs-kinesis bench -n 5000 -p json kpljson -i 3   # two processors, three iterations each
  rxjs-kinesis bench --records 10000 --shards 2 --processors json msgpack
  rxjs-kinesis bench --region eu-west-1 -n 10000    # real AWS: creates and deletes its own stream
                                                    # (costs money)

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
        process.exit(128 + constants.signals[error.signal]);
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
      log(`stream ${target.streamName} (${counted(flags.shards, 'shard')}) on ${target.description}`);
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
    unit: 'item',
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
