import { randomBytes } from 'node:crypto';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { lastValueFrom, map, range, Subject, takeUntil, tap, timer } from 'rxjs';
import { MemoryCheckpointer } from '../../checkpointers/MemoryCheckpointer.js';
import type { KinesisItem } from '../../consumer/KinesisItem.js';
import { redactText } from '../../errors/redact.js';
import { createKinesisClient, type KinesisConnectionOptions } from '../../kinesis/createKinesisClient.js';
import { checkReachable } from '../checkReachable.js';
import { cliConnection } from '../cliConnection.js';
import { ensureStream } from '../../kinesis/ensureStream.js';
import { parseStreamAddress, streamParams } from '../../kinesis/streamAddress.js';
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

/** What one demo item carries: its id, when it was made, and padding up to the chosen size. */
interface DemoItem {
  readonly id: number;
  readonly at: number;
  readonly payload: string;
}

/** Where the demo writes and reads. */
interface Target {
  readonly connection: KinesisConnectionOptions;
  readonly description: string;
  close(): Promise<void>;
}

/** The counts the demo prints at the end. */
export interface DemoSummary {
  readonly produced: number;
  readonly consumed: number;
  readonly duplicates: number;
  readonly kinesisRecords: number;
  readonly kinesisBytes: number;
  readonly throttled: number;
  readonly retries: number;
  readonly produceSeconds: number;
  readonly consumeSeconds: number;
  readonly meanLatencyMs: number;
  readonly maxMillisBehindLatest: number;
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
      const summary = await runDemo(flags);
      if (summary.consumed !== summary.produced) process.exitCode = 1;
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
      `${target.description}: stream ${stream.streamName}, ${stream.openShardCount} shards, ` +
        `${flags.records.toLocaleString('en-US')} items of ~${flags.itemBytes} B with ${flags.processor.label}()\n`,
    );
    return await produceAndConsume(flags, target.connection, address.streamArn ?? streamName);
  } finally {
    // Nothing to delete (and no 30 s request to wait for) where Kinesis never answered.
    if (ownStream && reached)
      await client.send(new DeleteStreamCommand(streamParams(address))).catch(() => undefined);
    client.destroy();
    await target.close();
  }
}

function makeItem(id: number, itemBytes: number): DemoItem {
  const padding = Math.max(0, itemBytes - 40);
  return { id, at: Date.now(), payload: 'x'.repeat(padding) };
}

async function produceAndConsume(
  flags: DemoFlags,
  connection: KinesisConnectionOptions,
  streamName: string,
): Promise<DemoSummary> {
  const total = flags.records;
  const stringItems = flags.processor.input === 'string';
  const progress = createDemoProgress(total);
  const seen = new Set<number>();
  let duplicates = 0;
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
      deserialize<unknown>(),
      map((item: KinesisItem<unknown>) => {
        const value = (stringItems ? JSON.parse(item.data as string) : item.data) as DemoItem;
        if (seen.has(value.id)) duplicates += 1;
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
      takeUntil(timer(flags.timeout * 1000)),
    ),
    { defaultValue: undefined },
  );

  const produce = range(0, total).pipe(
    map((id) => {
      const item = makeItem(id, flags.itemBytes);
      return stringItems ? JSON.stringify(item) : item;
    }),
    toKinesis<unknown>({
      streamName,
      ...connection,
      processor: flags.processor.create(),
      partitionKey: (_item, index) => `key-${index % 1000}`,
      maxQueueSize: Math.max(10_000, total),
      maxQueueBytes: Math.max(64 * 1024 * 1024, total * (flags.itemBytes + 64) * 2),
      metricsObserver: {
        next: (snapshot: ProducerMetricsSnapshot) => {
          metrics = snapshot;
        },
      },
    }),
  );
  const producing = new Promise<void>((resolve, reject) => {
    produce.subscribe({
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
  });

  try {
    await producing.catch(async (error: unknown) => {
      allConsumed.next(); // stop reading, then report why producing failed
      await consumed.catch(() => undefined);
      throw error;
    });
    await consumed;
  } finally {
    progress.stop();
  }
  const consumeSeconds = (Date.now() - started) / 1000;
  const stats = consumer.stats();
  const summary: DemoSummary = {
    produced,
    consumed: seen.size,
    duplicates,
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

function printSummary(summary: DemoSummary): void {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const rate = (count: number, seconds: number) => (seconds > 0 ? n(count / seconds) : '-');
  const lines = [
    '',
    `produced        ${n(summary.produced)} items in ${n(summary.kinesisRecords)} Kinesis records, ${(summary.kinesisBytes / 1024 / 1024).toFixed(1)} MiB, ${summary.produceSeconds.toFixed(1)} s (${rate(summary.produced, summary.produceSeconds)} items/s)`,
    `consumed        ${n(summary.consumed)} items, ${summary.consumeSeconds.toFixed(1)} s from the start (${rate(summary.consumed, summary.consumeSeconds)} items/s), ${n(summary.duplicates)} duplicates`,
    `throttled       ${n(summary.throttled)} entries, ${n(summary.retries)} records re-sent`,
    `lag             ${n(summary.meanLatencyMs)} ms mean from produce to consume; ${n(summary.maxMillisBehindLatest)} ms behind the tip at the end`,
    summary.consumed === summary.produced
      ? `result          OK: produced == consumed (${n(summary.produced)})`
      : `result          FAILED: produced ${n(summary.produced)} but consumed ${n(summary.consumed)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface DemoProgress {
  produced(count: number): void;
  consumed(count: number): void;
  stop(): void;
}

/** Two bars on a terminal; elsewhere a plain line every two seconds. */
function createDemoProgress(total: number): DemoProgress {
  if (process.stdout.isTTY === true) {
    const bars = new MultiBar(
      {
        format: '{label} [{bar}] {value}/{total} {percentage}% | {duration}s',
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    const produce = bars.create(total, 0, { label: 'produce' });
    const consume = bars.create(total, 0, { label: 'consume' });
    return {
      produced: (count) => produce.update(count),
      consumed: (count) => consume.update(count),
      stop: () => bars.stop(),
    };
  }
  let producedCount = 0;
  let consumedCount = 0;
  const started = Date.now();
  const line = () =>
    process.stdout.write(
      `  ${((Date.now() - started) / 1000).toFixed(0)} s: produced ${producedCount}/${total}, consumed ${consumedCount}/${total}\n`,
    );
  const ticker = setInterval(line, 2000);
  ticker.unref();
  return {
    produced: (count) => {
      producedCount = count;
    },
    consumed: (count) => {
      consumedCount = count;
    },
    stop: () => {
      clearInterval(ticker);
      line();
    },
  };
}
