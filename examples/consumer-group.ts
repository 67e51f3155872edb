// Three worker processes share one stream through a RedisCheckpointer: they split the shards
// between them (lease balancing, handoffs), and every record is processed.
// Run: npx tsx examples/consumer-group.ts
// Redis: REDIS_URL if set, else a `redis-server` binary on PATH is started on a free port.
// Kinesis: the embedded local Kinesis, started here.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Redis } from 'ioredis';
import { concatMap, from, map } from 'rxjs';
import { RedisCheckpointer, fromKinesis, checkpoint, deserialize } from 'rxjs-kinesis';
import { startLocalKinesis } from 'rxjs-kinesis/local';

const STREAM = 'orders';
const SHARDS = 6;
const RECORDS = 300;
const WORKERS = ['worker-1', 'worker-2', 'worker-3'];
/** Short timings for the demo; production values are a minute or so. */
const SESSION_TIMEOUT_MS = 3000;
const HEARTBEAT_INTERVAL_MS = 500;

interface WorkerSettings {
  readonly workerId: string;
  readonly redisUrl: string;
  /** This run's keys: a Redis kept between runs (REDIS_URL) holds positions of earlier streams. */
  readonly keyPrefix: string;
  readonly endpoint: string;
  readonly region: string;
}

type WorkerReport =
  | { readonly kind: 'ready' }
  | { readonly kind: 'processed'; readonly orderId: number; readonly shardId: string }
  | { readonly kind: 'lease'; readonly what: string; readonly shardId: string };

function report(message: WorkerReport): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
}

/** One worker: consume, "process" (report to the parent), checkpoint. SIGTERM stops it gracefully. */
async function worker(settings: WorkerSettings): Promise<void> {
  const checkpointer = new RedisCheckpointer({
    redis: settings.redisUrl,
    name: 'order-processors',
    keyPrefix: settings.keyPrefix,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
  });
  const orders = fromKinesis({
    streamName: STREAM,
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    workerId: settings.workerId,
    sleepTimeNoRecords: 200,
  });
  orders.events$.subscribe((event) => {
    if (event.type === 'lease-acquired' || event.type === 'lease-released' || event.type === 'lease-lost')
      void report({ kind: 'lease', what: event.type, shardId: event.shardId });
  });
  const subscription = orders
    .pipe(
      deserialize<{ orderId: number }>(),
      concatMap((item) =>
        from(report({ kind: 'processed', orderId: item.data.orderId, shardId: item.shardId })).pipe(
          map(() => item),
        ),
      ),
      checkpoint(checkpointer, { batchSize: 20, intervalMs: 500 }),
    )
    .subscribe();
  process.once('SIGTERM', () => {
    // Unsubscribing writes the last checkpoints, releases the leases and leaves the group.
    subscription.unsubscribe();
    void orders
      .stopped()
      .then(() => checkpointer.close())
      .then(() => process.exit(0));
  });
  process.once('disconnect', () => process.exit(1));
  await report({ kind: 'ready' });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * REDIS_URL, else a redis-server started on a free port (stopped by `stop`, or at once by `kill`).
 */
async function redisForDemo(): Promise<{ url: string; stop: () => Promise<void>; kill: () => void }> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '')
    return { url: external, stop: async () => undefined, kill: () => undefined };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'consumer-group-demo-'));
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  const failed = new Promise<never>((_, reject) =>
    server.once('error', () =>
      reject(new Error('No Redis: set REDIS_URL=redis://host:port or install redis-server')),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await Promise.race([
      probe.connect().then(
        () => true,
        () => false,
      ),
      failed,
    ]);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  probe.disconnect();
  return {
    url,
    kill: () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    stop: async () => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const local = await startLocalKinesis({ streams: { [STREAM]: SHARDS } });
  const redis = await redisForDemo();
  const children = new Map<string, ChildProcess>();
  // Each run starts a new local Kinesis, so it keeps its positions apart from earlier runs'.
  const keyPrefix = `consumer-group-example:${randomUUID()}:`;
  // Interrupted (Ctrl-C, SIGTERM): the workers and the redis-server started here go too.
  const interrupted = (signal: NodeJS.Signals) => {
    for (const child of children.values()) child.kill('SIGTERM');
    redis.kill();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const client = local.createClient();
    let nextOrderId = 0;
    const put = (count: number) =>
      client.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: Array.from({ length: count }, () => {
            const orderId = nextOrderId++;
            return { PartitionKey: `order-${orderId}`, Data: Buffer.from(JSON.stringify({ orderId })) };
          }),
        }),
      );
    await put(RECORDS / 2);

    const processed = new Map<number, string[]>();
    const shardsOf = new Map<string, Set<string>>(WORKERS.map((id) => [id, new Set<string>()]));
    let allProcessed: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allProcessed = resolve;
    });
    // Workers join one after the other: the first takes every shard, then hands some over.
    for (const workerId of WORKERS) {
      const settings: WorkerSettings = {
        workerId,
        redisUrl: redis.url,
        keyPrefix,
        endpoint: local.endpoint,
        region: local.region,
      };
      const child = fork(process.argv[1] as string, ['worker', JSON.stringify(settings)]);
      children.set(workerId, child);
      const ready = new Promise<void>((resolve) => {
        child.on('message', (message: WorkerReport) => {
          if (message.kind === 'ready') resolve();
          else if (message.kind === 'processed') {
            processed.set(message.orderId, [...(processed.get(message.orderId) ?? []), workerId]);
            if (processed.size === RECORDS) allProcessed();
          } else {
            console.log(`${workerId}: ${message.what} ${message.shardId}`);
            const held = shardsOf.get(workerId) as Set<string>;
            if (message.what === 'lease-acquired') held.add(message.shardId);
            else held.delete(message.shardId);
          }
        });
      });
      await ready;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // The other half once all three share the stream.
    await new Promise((resolve) => setTimeout(resolve, 4 * HEARTBEAT_INTERVAL_MS));
    await put(RECORDS / 2);
    client.destroy();
    const timeout = setTimeout(() => allProcessed(), 20_000);
    await done;
    clearTimeout(timeout);
    // Let the group settle, then show who holds what.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_INTERVAL_MS));
    for (const [workerId, shards] of shardsOf)
      console.log(`${workerId} holds ${[...shards].sort().join(', ') || 'no shard'}`);
    for (const workerId of WORKERS) {
      const count = [...processed.values()].filter((workers) => workers.includes(workerId)).length;
      console.log(`${workerId} processed ${count} records`);
    }
    const duplicates = [...processed.values()].filter((workers) => workers.length > 1).length;
    console.log(`${processed.size}/${RECORDS} records processed, ${duplicates} processed twice`);
    if (processed.size !== RECORDS) process.exitCode = 1;
  } finally {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await redis.stop();
    await local.close();
  }
}

const run =
  process.argv[2] === 'worker' ? worker(JSON.parse(process.argv[3] as string) as WorkerSettings) : main();
run.catch((error: unknown) => {
  // A failure is one line on stderr and exit status 1, in every example.
  console.error(`example failed: ${String(error)}`);
  process.exit(1);
});
