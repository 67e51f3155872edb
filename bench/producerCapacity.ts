/** The capacity run of bench/producer.ts: Producer with its defaults against the stand-in with Kinesis limits. */
import { performance } from 'node:perf_hooks';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import { jsonProcessor, kplJsonProcessor } from '../src/processors/namedProcessors.js';
import { Producer } from '../src/producer/Producer.js';
import { type Item, makeItem } from './producerContenders.js';
import { createStream, measure, median, type Row } from './producerRuns.js';
import { standInCpuSeconds, startStandInProcess } from './standInKinesis.js';
import { steadySecondShares, type SteadySecondShares } from './steadySecondShares.js';

/**
 * Runs Producer with every default against the stand-in with Kinesis limits on, at each shard
 * count, for ~`seconds` seconds of capacity, and adds a row per run: items/s and the share of
 * capacity in the median second of steady state and over the whole run.
 */
export async function capacity(
  rows: Row[],
  settings: { caseName: string | undefined; seconds: number; shardCounts: readonly number[] },
): Promise<void> {
  const { caseName, seconds: runSeconds, shardCounts } = settings;
  const server = await startStandInProcess({ limits: true });
  const client = createKinesisClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  for (const shards of shardCounts) {
    for (const [kind, processor, size, perShardItems] of [
      ['~100 B, one record each', jsonProcessor<Item>({ style: 'compact' }), 100, 1000],
      ['~1 KiB, one record each', jsonProcessor<Item>({ style: 'compact' }), 1000, 1000],
      ['~100 B aggregated, KPL', kplJsonProcessor<Item>({ style: 'compact' }), 100, 9_000],
    ] as const) {
      if (caseName !== undefined && !kind.includes(caseName)) continue;
      const name = `cap-${shards}-${kind.length}-${Date.now()}`;
      await createStream(client, name, shards);
      // Enough items for runSeconds seconds at full capacity.
      const items = shards * perShardItems * runSeconds;
      let metrics = { records: 0, bytes: 0, throttled: 0, items: 0 };
      // Every metrics snapshot (one per PutRecords answer), for the per-second rates.
      const samples: Array<{ time: number; records: number; bytes: number }> = [];
      let startedAt = 0;
      const serverCpuBefore = await standInCpuSeconds(server.endpoint);
      const run = await measure(async () => {
        // Producer with every default (Kinesis pacing, queue bounds): put() waits while full.
        const producer = new Producer<Item>({ streamName: name, client, processor });
        startedAt = performance.now();
        producer.metrics$.subscribe((snapshot) => {
          metrics = snapshot.totals;
          samples.push({ time: performance.now() - startedAt, ...snapshot.totals });
        });
        // Items arrive through the event loop, as from a socket or a file: a loop that only
        // awaits put() (microtasks) would keep the send loop's timers and sockets waiting
        // until the queue is full.
        for (let i = 0; i < items; i += 1) {
          if (i % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          await producer.put(makeItem(i, size));
        }
        await producer.close();
        return metrics.items;
      });
      const serverCpu = (await standInCpuSeconds(server.endpoint)) - serverCpuBefore;
      // Capacity: 1,000 records/s and 1 MiB/s per shard, whichever binds first.
      const share = (records: number, bytes: number, seconds: number) =>
        100 * Math.max(records / seconds / (shards * 1000), bytes / seconds / (shards * 1024 * 1024));
      const steady = steadySecondShares(samples, share);
      rows.push({
        id: `capacity ${shards} ${kind}`,
        group: 'capacity under Kinesis limits (stand-in server, Producer defaults)',
        labels: { shards: String(shards), items: kind, 'steady seconds': steadyLabel(steady) },
        metrics: {
          'items/s': metrics.items / run.seconds,
          // Left out (not NaN) when the run was too short: its label says why.
          ...(steady.shares.length > 0
            ? { '% of capacity (median second)': median([...steady.shares]) }
            : {}),
          '% of capacity (whole run)': share(metrics.records, metrics.bytes, run.seconds),
          'throttled entries': metrics.throttled,
          seconds: run.seconds,
          // Near 100 %: the client is CPU-bound (one JavaScript thread).
          'client CPU %': (100 * run.cpuSeconds) / run.seconds,
          // The stand-in's own process, on the same machine (two cores in all).
          'stand-in CPU %': (100 * serverCpu) / run.seconds,
        },
      });
    }
  }
  client.destroy();
  server.stop();
}

/** Which seconds the median second was taken from, or why there is none ("n/a: ..."). */
function steadyLabel(steady: SteadySecondShares): string {
  // A rested shard takes a second's budget at once, so a run ends about a second early.
  if (!('fromMs' in steady)) return `n/a: ${steady.reason} (give --seconds 3 or more)`;
  const window = `${steady.fromMs / 1000}-${steady.toMs / 1000} s`;
  return steady.shortened
    ? `${window} (short run: first ${steady.skips.startMs / 1000} s skipped, drain kept)`
    : window;
}
