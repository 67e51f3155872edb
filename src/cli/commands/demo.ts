import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Command } from 'commander';
import { lastValueFrom, map, range, Subject, takeUntil, tap } from 'rxjs';
import { MemoryCheckpointer } from '../../checkpointers/MemoryCheckpointer.js';
import type { KinesisItem } from '../../consumer/KinesisItem.js';
import { redactText } from '../../errors/redact.js';
import { RxjsKinesisError } from '../../errors/RxjsKinesisError.js';
import { createKinesisClient, type KinesisConnectionOptions } from '../../kinesis/createKinesisClient.js';
import { checkReachable } from '../checkReachable.js';
import { cliConnection } from '../cliConnection.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress } from '../../kinesis/streamAddress.js';
import { startLocalKinesis, type LocalKinesis } from '../../local/startLocalKinesis.js';
import { fromKinesis } from '../../observables/fromKinesis.js';
import { checkpoint } from '../../operators/checkpoint.js';
import { deserialize } from '../../operators/deserialize.js';
import { toKinesis } from '../../operators/toKinesis.js';
import { describeEndpoint } from '../../producer/describeEndpoint.js';
import type { ProducerMetricsSnapshot } from '../../producer/ProducerMetrics.js';
import {
  parseEndpoint,
  processorOption,
  parseRegion,
  parseStreamName,
  positiveIntegerFlag,
  type ProcessorChoice,
} from '../parseFlags.js';
import { counted } from '../plural.js';
import { demoItemOf, makeDemoItem, newDemoRun } from './demoItems.js';
import { createDemoProgress } from './demoProgress.js';
import { deleteDemoStream } from './demoStreamCleanup.js';
import { printSummary, type DemoSummary } from './demoSummary.js';

interface DemoFlags {
  readonly records: number;
  readonly shards: number;
  readonly processor: ProcessorChoice;
  readonly itemBytes: number;
  readonly endpoint?: string;
  readonly region?: string;
  readonly stream?: string;
  readonly limits: boolean;
  readonly timeout: number;
}

/** Where the demo writes and reads. */
interface Target {
  readonly connection: KinesisConnectionOptions;
  readonly description: string;
  close(): Promise<void>;
}

/** The demo was stopped by SIGINT or SIGTERM, or (no signal) by its output closed (`| head`). */
class DemoInterruptedError extends RxjsKinesisError {
  constructor(readonly signal: NodeJS.Signals | undefined) {
    super(`interrupted by ${signal ?? 'a closed output'}`, { retriable: false });
  }
}

/**
 * `rxjs-kinesis demo`: the main job end to end. toKinesis() writes N items while
 * fromKinesis() → deserialize() → checkpoint() reads them back; it prints progress and a summary
 * and exits 1 unless every produced item was consumed.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'produce N items with toKinesis() and consume them with fromKinesis(); checks nothing is lost',
    )
    .option('-n, --records <n>', 'items to produce', positiveIntegerFlag(1_000_000), 10_000)
    .option('--shards <n>', 'shards of the demo stream (when it is created)', positiveIntegerFlag(64), 2)
    .addOption(processorOption('jsonline'))
    .option('--item-bytes <n>', 'approximate size of each item', positiveIntegerFlag(512 * 1024), 200)
    .option('--endpoint <url>', 'a Kinesis endpoint instead of the embedded one', parseEndpoint)
    .option('--region <region>', 'an AWS region: run against real Kinesis', parseRegion)
    .option(
      '--stream <name>',
      'stream name or ARN (created when missing; default: a new demo stream, deleted after)',
      parseStreamName,
    )
    .option('--no-limits', 'embedded Kinesis without the per-shard limits')
    .option('--timeout <seconds>', 'give up after this long', positiveIntegerFlag(3600), 300)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  rxjs-kinesis demo                              embedded Kinesis with AWS limits, 10,000 items',
        '  rxjs-kinesis demo -n 50000 --shards 4 -p kpljson',
        '  rxjs-kinesis demo --endpoint http://127.0.0.1:4567',
        '  rxjs-kinesis demo --region eu-west-1 --stream my-test-stream',
      ].join('\n'),
    )
    .action(async (flags: DemoFlags) => {
      try {
        const summary = await runDemo(flags);
        if (summary.timedOut !== undefined || summary.consumed !== summary.produced) process.exitCode = 1;
      } catch (error) {
        if (!(error instanceof DemoInterruptedError)) throw error;
        // The stream it created is deleted; timers of the stopped producer would keep the process alive.
        // A closed output ends it quietly, as other command-line tools do.
        process.exit(
          error.signal === undefined ? (process.exitCode ?? 0) : 128 + constants.signals[error.signal],
        );
      }
    });
}

async function openTarget(flags: DemoFlags): Promise<Target> {
  if (flags.endpoint !== undefined || flags.region !== undefined) {
    const { options: connection, notice } = cliConnection(flags);
    if (notice !== undefined) process.stderr.write(notice);
    return {
      connection,
      description: flags.endpoint !== undefined ? redactText(flags.endpoint) : `AWS ${flags.region}`,
      close: async () => undefined,
    };
  }
  const local: LocalKinesis = await startLocalKinesis({ limits: flags.limits });
  return {
    connection: { endpoint: local.endpoint, region: local.region, credentials: { ...local.credentials } },
    description: `embedded Kinesis at ${local.endpoint}${flags.limits ? ' with AWS limits' : ''}`,
    close: () => local.close(),
  };
}

async function runDemo(flags: DemoFlags): Promise<DemoSummary> {
  const out = process.stdout;
  // Ctrl+C stops producing and consuming; the stream the demo created is still deleted.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping, cleaning up...\n`);
    interrupt.abort(new DemoInterruptedError(signal));
  };
  // `| head` closes stdout: stop as on Ctrl+C, so that the stream is still deleted.
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') interrupt.abort(new DemoInterruptedError(undefined));
    else interrupt.abort(error);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  out.on('error', onOutputError);
  try {
    return await runDemoOn(flags, out, interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    out.off('error', onOutputError);
  }
}

async function runDemoOn(
  flags: DemoFlags,
  out: NodeJS.WriteStream,
  interrupted: AbortSignal,
): Promise<DemoSummary> {
  const target = await openTarget(flags);
  const client: KinesisClient = createKinesisClient(target.connection);
  const ownStream = flags.stream === undefined;
  const streamName = flags.stream ?? `rxjs-kinesis-demo-${randomBytes(3).toString('hex')}`;
  const address = parseStreamAddress(streamName, 'stream');
  let reached = false;
  try {
    // An endpoint that refuses, or accepts and stays silent, is named within seconds.
    await checkReachable(
      client,
      address,
      describeEndpoint(target.connection.endpoint, target.connection.region ?? address.region),
    );
    reached = true;
    const stream = await ensureStream(client, address, { create: true, shardCount: flags.shards });
    out.write(
      `${target.description}: stream ${stream.streamName}, ${counted(stream.openShardCount, 'shard')}, ` +
        `${counted(flags.records, 'item')} of ~${flags.itemBytes} B with ${flags.processor.label}()\n`,
    );
    interrupted.throwIfAborted();
    return await produceAndConsume(flags, target.connection, address.streamArn ?? streamName, interrupted);
  } finally {
    // Nothing to delete (and no 30 s request to wait for) where Kinesis never answered.
    if (ownStream && reached) await deleteDemoStream(client, address, process.stderr);
    client.destroy();
    await target.close();
  }
}

async function produceAndConsume(
  flags: DemoFlags,
  connection: KinesisConnectionOptions,
  streamName: string,
  interrupted: AbortSignal,
): Promise<DemoSummary> {
  const total = flags.records;
  const stringItems = flags.processor.input === 'string';
  const progress = createDemoProgress(total);
  const run = newDemoRun();
  const seen = new Set<number>();
  let duplicates = 0;
  let others = 0;
  let undecodable = 0;
  let latencyTotal = 0;
  let produced = 0;
  let metrics: ProducerMetricsSnapshot | undefined;
  const started = Date.now();
  let produceSeconds = 0;

  const consumer = fromKinesis({
    streamName,
    ...connection,
    processor: flags.processor.create(),
    shardFetchRate: 2,
    sleepTimeNoRecords: 250,
  });
  const allConsumed = new Subject<void>();
  const consumed = lastValueFrom(
    consumer.pipe(
      // A stream given with --stream may hold records of others, read from its oldest on: what is
      // not this run's item (undecodable, or another run's or writer's item) is counted and skipped.
      deserialize<unknown>({ onDecodeError: () => void (undecodable += 1) }),
      map((item: KinesisItem<unknown>) => {
        const value = demoItemOf(item.data, run, stringItems);
        if (value === undefined) others += 1;
        else if (seen.has(value.id)) duplicates += 1;
        else {
          seen.add(value.id);
          latencyTotal += Date.now() - value.at;
        }
        progress.consumed(seen.size);
        return item;
      }),
      checkpoint(new MemoryCheckpointer(), { batchSize: 500, intervalMs: 1000 }),
      tap(() => {
        if (seen.size === total) allConsumed.next();
      }),
      takeUntil(allConsumed),
    ),
    { defaultValue: undefined },
  );

  const produce = range(0, total).pipe(
    map((id) => {
      const item = makeDemoItem(run, id, flags.itemBytes);
      return stringItems ? JSON.stringify(item) : item;
    }),
    toKinesis<unknown>({
      streamName,
      ...connection,
      processor: flags.processor.create(),
      partitionKey: (_item, index) => `key-${index % 1000}`,
      maxQueueSize: Math.max(10_000, total),
      maxQueueBytes: Math.max(64 * 1024 * 1024, total * (flags.itemBytes + 64) * 2),
      // Stopped (timeout, Ctrl+C): what is still queued is dropped, not sent for minutes more.
      flushOnUnsubscribe: false,
      metricsObserver: {
        next: (snapshot: ProducerMetricsSnapshot) => {
          metrics = snapshot;
        },
      },
    }),
  );
  // --timeout stops both sides; the summary says so.
  let timedOut = false;
  let stopProducing = (): void => undefined;
  const timeLimit = setTimeout(() => {
    timedOut = true;
    stopProducing();
    allConsumed.next();
  }, flags.timeout * 1000);
  const producing = new Promise<void>((resolve, reject) => {
    const subscription = produce.subscribe({
      next: (report) => {
        if (report.status === 'delivered') {
          produced += 1;
          progress.produced(produced);
        }
      },
      error: reject,
      complete: () => {
        produceSeconds = (Date.now() - started) / 1000;
        resolve();
      },
    });
    const stop = (): void => {
      subscription.unsubscribe();
      reject(interrupted.reason);
    };
    stopProducing = () => {
      if (!subscription.closed) produceSeconds = (Date.now() - started) / 1000;
      subscription.unsubscribe();
      resolve();
    };
    if (interrupted.aborted) stop();
    else interrupted.addEventListener('abort', stop, { once: true });
    subscription.add(() => interrupted.removeEventListener('abort', stop));
  });

  const stopReading = (): void => allConsumed.next();
  interrupted.addEventListener('abort', stopReading, { once: true });
  try {
    await producing.catch(async (error: unknown) => {
      allConsumed.next(); // stop reading, then report why producing failed
      await consumed.catch(() => undefined);
      throw error;
    });
    await consumed;
    interrupted.throwIfAborted();
  } finally {
    interrupted.removeEventListener('abort', stopReading);
    clearTimeout(timeLimit);
    progress.stop();
  }
  const consumeSeconds = (Date.now() - started) / 1000;
  const stats = consumer.stats();
  const summary: DemoSummary = {
    timedOut: timedOut ? flags.timeout : undefined,
    produced,
    consumed: seen.size,
    duplicates,
    others,
    undecodable,
    kinesisRecords: metrics?.totals.records ?? 0,
    kinesisBytes: metrics?.totals.bytes ?? 0,
    throttled: metrics?.totals.throttled ?? 0,
    retries: metrics?.totals.retries ?? 0,
    produceSeconds,
    consumeSeconds,
    meanLatencyMs: seen.size === 0 ? 0 : latencyTotal / seen.size,
    maxMillisBehindLatest: Math.max(0, ...stats.shards.map((shard) => shard.millisBehindLatest ?? 0)),
  };
  printSummary(summary);
  return summary;
}
