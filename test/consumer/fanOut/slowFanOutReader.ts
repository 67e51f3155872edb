// A slow subscriber reading by enhanced fan-out, run as a child process by fanOutHeap.test.ts so
// that its memory is its own (the embedded Kinesis runs in the parent):
//   node --expose-gc <test/consumer/fanOut/slowFanOutReader.ts compiled> '<SlowReaderConfig as JSON>'
// It processes `processed` records, `delayMs` each, through checkpoint() (ackOnEmit: false), samples
// its live memory (heapUsed + arrayBuffers after a full collection) every 250 ms, and sends one
// SlowReaderReport over IPC.
import { concatMap, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';

export interface SlowReaderConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streamName: string;
  readonly consumerName: string;
  readonly processed: number;
  readonly delayMs: number;
  readonly maxQueueSize: number;
}

export interface SlowReaderReport {
  /** Live bytes once the consumer had started, before its first record. */
  readonly baselineBytes: number;
  readonly peakBytes: number;
  readonly samples: number;
  /** Every sample's live bytes minus the baseline, in MiB (for failure messages). */
  readonly series: readonly number[];
  /** Sizes of the records processed, in order. */
  readonly sizes: readonly number[];
  readonly peakInFlight: number;
  /** Records the consumer emitted (processed + those in flight when it stopped). */
  readonly emitted: number;
  readonly error?: string;
}

function liveBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function main(): Promise<SlowReaderReport> {
  const config = JSON.parse(process.argv[2] ?? '{}') as SlowReaderConfig;
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('run with --expose-gc');
  const consumer = fromKinesis({
    streamName: config.streamName,
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.credentials,
    enhancedFanOut: { consumerName: config.consumerName },
    ackOnEmit: false,
    maxQueueSize: config.maxQueueSize,
  });
  // Load the modules the reading uses before the baseline: the first record is taken at once.
  const baselineBytes = liveBytes();
  let peakBytes = baselineBytes;
  const series: number[] = [];
  const sampler = setInterval(() => {
    const live = liveBytes();
    peakBytes = Math.max(peakBytes, live);
    series.push(Math.round(((live - baselineBytes) / (1024 * 1024)) * 10) / 10);
  }, 250);
  try {
    // Only each record's size is kept: the reader holds no record data itself.
    const sizes = await lastValueFrom(
      consumer.pipe(
        concatMap((record) => timer(config.delayMs).pipe(map(() => record))),
        checkpoint(),
        map((record) => record.data.byteLength),
        take(config.processed),
        toArray(),
      ),
    );
    const stats = consumer.stats();
    await consumer.stopped();
    peakBytes = Math.max(peakBytes, liveBytes());
    return {
      baselineBytes,
      peakBytes,
      samples: series.length,
      series,
      sizes,
      peakInFlight: stats.peakInFlight,
      emitted: stats.shards.reduce((sum, shard) => sum + shard.records, 0),
    };
  } finally {
    clearInterval(sampler);
  }
}

main().then(
  (report) => process.send?.(report, () => process.exit(0)),
  (error: unknown) => {
    const report: Partial<SlowReaderReport> = { error: error instanceof Error ? error.stack : String(error) };
    process.send?.(report, () => process.exit(1));
  },
);
