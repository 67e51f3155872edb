/**
 * PutRecords calls alone: the library's own request body and answer reader (src/kinesis/
 * putRecordsWire.ts) against the SDK's schema serde, on the same client settings (the SDK path
 * is the same kind of client with a pass-through middleware added, which keeps it on the SDK's
 * serde). Calls of 500 entries go to the fast stand-in server (its own process), 8 in flight;
 * the figure is client CPU per entry (process.cpuUsage), median of interleaved rounds.
 *
 * Run: npx tsx bench/putRecordsWire.ts [--calls 400] [--rounds 7] [--json]
 */
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../src/kinesis/createKinesisClient.js';
import type { PutRecordsEntry } from '../src/kinesis/putRecordsBody.js';
import { putRecordsWireUsable, sendPutRecords } from '../src/kinesis/putRecordsWire.js';
import { randomPartitionKey } from '../src/producer/randomPartitionKey.js';
import { startStandInProcess } from './standInKinesis.js';

const ARGS = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const at = ARGS.indexOf(name);
  return at === -1 ? fallback : Number(ARGS[at + 1]);
};
const CALLS = arg('--calls', 400);
const ROUNDS = arg('--rounds', 7);
const JSON_OUTPUT = ARGS.includes('--json');
const ENTRIES = 500;
const IN_FLIGHT = 8;

function batches(size: number): PutRecordsEntry[][] {
  const out: PutRecordsEntry[][] = [];
  for (let b = 0; b < 16; b += 1) {
    out.push(
      Array.from({ length: ENTRIES }, (_, i) => ({
        data: Buffer.from(JSON.stringify({ id: b * ENTRIES + i, pad: 'x'.repeat(size - 30) })),
        partitionKey: randomPartitionKey(Math.random),
      })),
    );
  }
  return out;
}

/** Client CPU µs per entry for CALLS calls, IN_FLIGHT at a time. */
async function run(client: KinesisClient, work: PutRecordsEntry[][]): Promise<number> {
  let next = 0;
  const started = process.cpuUsage();
  const lane = async (): Promise<void> => {
    while (next < CALLS) {
      const entries = work[next % work.length]!;
      next += 1;
      const output = await sendPutRecords(client, { StreamName: 'bench' }, entries);
      if (output.Records?.length !== entries.length) throw new Error('short answer');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / (CALLS * ENTRIES);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main(): Promise<void> {
  const server = await startStandInProcess({ limits: false });
  const connection = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  const wire = createKinesisClient(connection);
  const sdk = createKinesisClient(connection);
  sdk.middlewareStack.add((next) => (args) => next(args), { step: 'initialize', name: 'benchPassThrough' });
  if (!putRecordsWireUsable(wire) || putRecordsWireUsable(sdk)) throw new Error('unexpected client paths');
  await wire.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: 4 }));
  const rows: { entries: string; path: string; 'client CPU µs/entry': number }[] = [];
  for (const [label, size] of [
    ['~100 B', 100],
    ['~1 KiB', 1000],
  ] as const) {
    const work = batches(size);
    const figures = { wire: [] as number[], sdk: [] as number[] };
    await run(wire, work); // warm-up
    await run(sdk, work);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (['wire', 'sdk'] as const) : (['sdk', 'wire'] as const);
      for (const path of order) figures[path].push(await run(path === 'wire' ? wire : sdk, work));
    }
    rows.push({ entries: label, path: 'SDK serde', 'client CPU µs/entry': median(figures.sdk) });
    rows.push({ entries: label, path: 'library wire', 'client CPU µs/entry': median(figures.wire) });
  }
  const description = `${CALLS} PutRecords calls of ${ENTRIES} entries per run, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds (medians)`;
  if (JSON_OUTPUT) {
    // The format bench/run-all.ts reads.
    const results = rows.map((row) => ({
      id: `${row.entries} ${row.path}`,
      labels: { entries: row.entries, path: row.path },
      metrics: { 'client CPU µs/entry': row['client CPU µs/entry'] },
    }));
    const title = 'PutRecords: the library wire against the SDK serde';
    console.log(JSON.stringify({ bench: 'putRecordsWire', title, description, results }));
  } else {
    console.log(description);
    console.table(
      rows.map((row) => ({
        ...row,
        'client CPU µs/entry': Math.round(row['client CPU µs/entry'] * 100) / 100,
      })),
    );
  }
  wire.destroy();
  sdk.destroy();
  server.stop();
  process.exit(0);
}

void main();
