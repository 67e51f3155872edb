// Enhanced fan-out benchmark: two applications read one 4-shard stream of the embedded Kinesis
// under read limits, both polling (sharing each shard's read budget) or both with enhanced
// fan-out (each with its own budget per shard); each application's throughput is printed as a
// share of its limit. Goal: fan-out >= 95% per application while polling applications share it.
// Run: npx tsx bench/consumerFanOut.ts [--json]   (--json: one JSON document, read by bench/run-all.ts)
import {
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { count, lastValueFrom, map, take } from 'rxjs';
import { MemoryCheckpointer } from '../src/checkpointers/MemoryCheckpointer.js';
import { startLocalKinesis } from '../src/local/index.js';
import { fromKinesis } from '../src/observables/fromKinesis.js';
import { checkpoint } from '../src/operators/checkpoint.js';

const JSON_OUTPUT = process.argv.slice(2).includes('--json');
const log = (text: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${text}\n`);
const SHARDS = 4;
const MIB = 1024 * 1024;
/**
 * Per shard: what polling applications share, and what each fan-out consumer gets. AWS's 2 MiB/s
 * scaled down 8x (the local server's limits are set to it for both) so that a backlog of
 * FAN_OUT_SECONDS at the limit fits in the embedded server's memory; the shares are ratios.
 */
const READ_LIMIT_BYTES = 256 * 1024;
/** The backlog: 8 KiB records, FAN_OUT_SECONDS of one application's limit. */
const FAN_OUT_RECORD_BYTES = 8 * 1024;
const FAN_OUT_SECONDS = 15;

/** Writes `count` records of `bytes` each (batches within the 5 MiB request limit). */
async function fillLarge(
  client: KinesisClient,
  streamName: string,
  count: number,
  bytes: number,
): Promise<void> {
  const data = Buffer.alloc(bytes, 121);
  const perBatch = Math.max(1, Math.min(500, Math.floor((4 * MIB) / bytes)));
  for (let i = 0; i < count; i += perBatch) {
    const n = Math.min(perBatch, count - i);
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: Array.from({ length: n }, (_, j) => ({ PartitionKey: `k${i + j}`, Data: data })),
      }),
    );
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`fill: ${out.FailedRecordCount} records failed`);
  }
}

interface ApplicationRun {
  readonly mode: 'polling' | 'fan-out';
  /** Each application's bytes per second, first record to last. */
  readonly bytesPerSecond: readonly number[];
  readonly seconds: readonly number[];
}

/** Two applications drain the same backlog at once, both polling or both with fan-out. */
async function twoApplications(
  local: Awaited<ReturnType<typeof startLocalKinesis>>,
  streamName: string,
  records: number,
  mode: 'polling' | 'fan-out',
): Promise<ApplicationRun> {
  const startedAt = performance.now();
  const run = async (app: string): Promise<{ bytesPerSecond: number; seconds: number }> => {
    const consumer = fromKinesis({
      streamName,
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
      checkpointer: new MemoryCheckpointer(),
      ...(mode === 'fan-out'
        ? { enhancedFanOut: { consumerName: `bench-${app}` } }
        : // Tuned for two applications sharing a shard: together one second's budget per second.
          {
            shardFetchRate: 1,
            sleepTimeNoRecords: 200,
            recordLimit: Math.max(1, Math.floor(READ_LIMIT_BYTES / 2 / FAN_OUT_RECORD_BYTES)),
          }),
    });
    let bytes = 0;
    await lastValueFrom(
      consumer.pipe(
        map((record) => {
          bytes += record.data.byteLength;
          return record;
        }),
        checkpoint(),
        take(records),
        count(),
      ),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    await consumer.stopped();
    return { bytesPerSecond: bytes / seconds, seconds };
  };
  const results = await Promise.all([run('a'), run('b')]);
  return {
    mode,
    bytesPerSecond: results.map((r) => r.bytesPerSecond),
    seconds: results.map((r) => r.seconds),
  };
}

/** Polling vs fan-out, two applications on one 4-shard stream under the local Kinesis's limits. */
async function fanOutComparison(): Promise<ApplicationRun[]> {
  const local = await startLocalKinesis({
    // Read limits scaled as READ_LIMIT_BYTES; writes unlimited so the backlog fills fast.
    limits: {
      writeBytesPerSecond: 1024 * MIB,
      writeRecordsPerSecond: 1_000_000,
      readBytesPerSecond: READ_LIMIT_BYTES,
      fanOutBytesPerSecond: READ_LIMIT_BYTES,
    },
    efo: { consumerStatusDelayMs: 100 },
  });
  const client = local.createClient();
  const streamName = `bench-fan-out-${Date.now()}`;
  await local.createStream(streamName, SHARDS);
  const records = Math.round((SHARDS * READ_LIMIT_BYTES * FAN_OUT_SECONDS) / FAN_OUT_RECORD_BYTES);
  log(
    `fan-out rows: filling ${records} x ${FAN_OUT_RECORD_BYTES / 1024} KiB records over ${SHARDS} shards...`,
  );
  await fillLarge(client, streamName, records, FAN_OUT_RECORD_BYTES);
  // Register the two stream consumers first, so the timed runs do not include their activation.
  const streamArn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })))
    .StreamDescriptionSummary?.StreamARN;
  for (const app of ['a', 'b'])
    await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `bench-${app}` }),
    );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const runs = [
    await twoApplications(local, streamName, records, 'polling'),
    await twoApplications(local, streamName, records, 'fan-out'),
  ];
  client.destroy();
  await local.close();
  return runs;
}

/** An application's throughput as a share of its own limit (SHARDS x READ_LIMIT_BYTES per second), in percent. */
function shareOfLimit(bytesPerSecond: number): number {
  return (bytesPerSecond / (SHARDS * READ_LIMIT_BYTES)) * 100;
}

async function main(): Promise<void> {
  const runs = await fanOutComparison();
  const rows = runs.flatMap((run) =>
    run.bytesPerSecond.map((bytesPerSecond, i) => ({
      id: `${run.mode}, application ${i === 0 ? 'a' : 'b'} of 2`,
      bytesPerSecond,
      seconds: run.seconds[i] ?? 0,
    })),
  );
  if (JSON_OUTPUT) {
    process.stdout.write(
      `${JSON.stringify({
        bench: 'consumerFanOut',
        title: 'Consumer: two applications on one stream, polling vs enhanced fan-out',
        description: `${SHARDS} shards under read limits of ${READ_LIMIT_BYTES / 1024} KiB/s per shard (AWS's 2 MiB/s scaled down 8x), ${FAN_OUT_RECORD_BYTES / 1024} KiB records`,
        results: rows.map((row) => ({
          id: row.id,
          group: 'consumer-fan-out',
          labels: { method: row.id },
          metrics: {
            'records/s': Math.round(row.bytesPerSecond / FAN_OUT_RECORD_BYTES),
            seconds: row.seconds,
            'KiB/s': row.bytesPerSecond / 1024,
            'share of limit %': shareOfLimit(row.bytesPerSecond),
          },
        })),
      })}\n`,
    );
    return;
  }
  console.log(
    `two applications on one ${SHARDS}-shard stream under limits (${FAN_OUT_RECORD_BYTES / 1024} KiB records): each application's throughput, from the common start to its last record, as a share of ${SHARDS} x ${READ_LIMIT_BYTES / 1024} KiB/s (AWS's 2 MiB/s scaled down 8x)`,
  );
  console.table(
    Object.fromEntries(
      rows.map((row) => [
        row.id,
        {
          'KiB/s': Math.round(row.bytesPerSecond / 1024),
          seconds: Number(row.seconds.toFixed(1)),
          'share of limit %': Number(shareOfLimit(row.bytesPerSecond).toFixed(1)),
        },
      ]),
    ),
  );
  console.log('goal: fan-out >= 95% per application, while polling applications share the limit (~50% each)');
}

void main();
