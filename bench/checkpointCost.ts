/**
 * What `checkpoint()` costs per item, in one process, for instruction counts and profiles:
 * drains `--items` ~100 B JSON items from 4 shards of the stand-in (its own process) with
 * `fromKinesis({ shardFetchRate })` + `deserialize()`, with `checkpoint()` (`--mode checkpoint`)
 * or without (`--mode plain`), `--runs` times, and prints the client CPU per item of each run.
 * The stand-in is started and filled before anything is measured, so under
 * `valgrind --tool=callgrind` (children not traced) the difference between a short and a long
 * run is the client's own instructions per item, start-up and compilation cancelled.
 *
 * Run: npx tsx bench/checkpointCost.ts [--mode checkpoint|plain|both] [--items 200000] [--runs 1]
 *      [--fetch-rate 5] [--heap-sample <file.heapprofile>]
 *
 * `--heap-sample`: a sampling heap profile (collected objects included, one sample per 4 KiB on
 * average) of the last run; sum it with bench/heapSampleSummary.ts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { count, lastValueFrom, take } from 'rxjs';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import { fromKinesis } from '../src/observables/fromKinesis.js';
import { checkpoint } from '../src/operators/checkpoint.js';
import { deserialize } from '../src/operators/deserialize.js';
import { startStandInProcess } from './standInKinesis.js';

const ARGS = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = ARGS.indexOf(name);
  return at === -1 ? fallback : (ARGS[at + 1] ?? fallback);
};
const MODE = option('--mode', 'both');
const ITEMS = Number(option('--items', '200000'));
const RUNS = Number(option('--runs', '1'));
const FETCH_RATE = Number(option('--fetch-rate', '5'));
const HEAP_SAMPLE = ARGS.includes('--heap-sample') ? ARGS[ARGS.indexOf('--heap-sample') + 1] : undefined;
const SHARDS = 4;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const region = 'us-east-1';
const ITEM = JSON.stringify({
  id: 12345,
  user: 'user-345',
  ts: 1_700_000_012_345,
  ok: true,
  note: 'x'.repeat(30),
});

async function drain(endpoint: string, streamName: string, withCheckpoint: boolean): Promise<number> {
  const consumer = fromKinesis({ streamName, endpoint, region, credentials, shardFetchRate: FETCH_RATE });
  const items = consumer.pipe(deserialize<{ id: number }>());
  const received = await lastValueFrom(
    (withCheckpoint ? items.pipe(checkpoint()) : items).pipe(take(ITEMS), count()),
  );
  await consumer.stopped();
  return received;
}

/** Posts an inspector command and resolves with its answer. */
function post<R>(session: Session, method: string, params: object = {}): Promise<R> {
  return new Promise<R>((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as R))),
  );
}

/** Runs `work` under the sampling heap profiler and writes the profile to `file`. */
async function heapSampled<T>(file: string, work: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const result = await work();
  const { profile } = await post<{ profile: unknown }>(session, 'HeapProfiler.stopSampling');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return result;
}

async function main(): Promise<void> {
  const server = await startStandInProcess({ limits: false });
  const client = createKinesisClient({ endpoint: server.endpoint, region, credentials });
  const streamName = 'checkpoint-cost';
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARDS }));
  const filled = await fetch(server.endpoint, {
    method: 'POST',
    headers: { 'X-Amz-Target': 'Kinesis_20131202.Fill', 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      StreamName: streamName,
      PerShard: Math.ceil(ITEMS / SHARDS),
      Data: Buffer.from(ITEM).toString('base64'),
    }),
  });
  if (!filled.ok) throw new Error(`Fill answered ${filled.status}`);
  const modes = MODE === 'both' ? [false, true] : [MODE === 'checkpoint'];
  for (let run = 0; run < RUNS; run += 1) {
    for (const withCheckpoint of modes) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const work = () => drain(server.endpoint, streamName, withCheckpoint);
      const sampled = HEAP_SAMPLE !== undefined && run === RUNS - 1;
      const items = await (sampled
        ? heapSampled(`${HEAP_SAMPLE}.${withCheckpoint ? 'checkpoint' : 'plain'}`, work)
        : work());
      const used = process.cpuUsage(cpu);
      if (items !== ITEMS) throw new Error(`${items} of ${ITEMS} items`);
      const micros = (used.user + used.system) / items;
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${withCheckpoint ? 'checkpoint' : 'plain'}: ${items} items, ${micros.toFixed(2)} µs CPU/item, ${Math.round(items / seconds)} items/s`,
      );
    }
  }
  client.destroy();
  server.stop();
  process.exit(0);
}

void main();
