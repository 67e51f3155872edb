// A pipeline that leaves a fromKinesis() consumer of a group with records no remaining pipeline
// received: its reading stops, writes only the position before them and releases the lease (the
// rewind). In a group another worker may take the lease during that release, or a handoff may
// be under way: whoever reads the shard next starts from a stored position never past a record
// nobody processed, and two workers never read the shard at once. Run on Redis and on DynamoDB,
// every worker a fromKinesis() consumer of this process with its own checkpointer.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { concatMap, map, timer, type Subscription } from 'rxjs';
import type { CheckpointPosition, Lease } from '../../src/checkpointers/Checkpointer.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import type { SpiedWrite } from '../support/spyCheckpointer.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  waitFor,
  writesAheadOfProcessing,
  type WrittenRecord,
} from '../support/streamRecords.js';

jest.setTimeout(60_000);

const SESSION_MS = 2000;
const HEARTBEAT_MS = 250;

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
const subscriptions: Subscription[] = [];
const consumers: KinesisConsumerObservable[] = [];
const checkpointers: LeaseCoordinator[] = [];

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stopped()));
  await Promise.all(checkpointers.splice(0).map((checkpointer) => checkpointer.close()));
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

type Store = 'redis' | 'dynamodb';

/** Opens a group checkpointer on the store; every call of a group test shares `group`. */
function coordinator(store: Store, group: string): LeaseCoordinator {
  const checkpointer: LeaseCoordinator =
    store === 'redis'
      ? new RedisCheckpointer({
          redis: redis.url,
          name: 'rewind',
          keyPrefix: group,
          sessionTimeout: SESSION_MS,
          heartbeatInterval: HEARTBEAT_MS,
        })
      : new DynamoDBCheckpointer({
          endpoint: dynamo.endpoint,
          region: dynamo.region,
          credentials: dynamo.credentials,
          tableName: group,
          failoverTimeMs: SESSION_MS,
          heartbeatIntervalMs: HEARTBEAT_MS,
        });
  checkpointers.push(checkpointer);
  return checkpointer;
}

interface Worker {
  readonly id: string;
  readonly consumer: KinesisConsumerObservable;
  readonly checkpointer: LeaseCoordinator;
  readonly events: ConsumerEvent[];
  /** While set, this worker's acquireLease calls wait for it. */
  gate: Promise<void> | undefined;
  /** While set, this worker's releaseLease calls wait for it (a process frozen at its release). */
  releaseGate: Promise<void> | undefined;
}

/**
 * The position writes of every worker, each with what had been processed (by anyone) at the
 * call, and the stored position checked against it.
 */
const writes: (SpiedWrite & { readonly worker: string })[] = [];

function startWorker(
  store: Store,
  group: string,
  streamName: string,
  id: string,
  processed: ProcessedLedger,
): Worker {
  const checkpointer = coordinator(store, group);
  const worker: Worker = {
    id,
    consumer: undefined as never,
    checkpointer,
    events: [],
    gate: undefined,
    releaseGate: undefined,
  };
  const acquire = checkpointer.acquireLease.bind(checkpointer);
  checkpointer.acquireLease = async (...args: Parameters<LeaseCoordinator['acquireLease']>) => {
    await worker.gate;
    return acquire(...args);
  };
  const release = checkpointer.releaseLease.bind(checkpointer);
  checkpointer.releaseLease = async (...args: Parameters<LeaseCoordinator['releaseLease']>) => {
    await worker.releaseGate;
    return release(...args);
  };
  const write = checkpointer.checkpoint.bind(checkpointer);
  checkpointer.checkpoint = (lease: Lease, position: CheckpointPosition) => {
    writes.push({ worker: id, shardId: lease.shardId, position, seen: processed.snapshot(lease.shardId) });
    return write(lease, position);
  };
  const consumer = fromKinesis({
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    checkpointer,
    workerId: id,
    sleepTimeNoRecords: 100,
    takeoverGraceMs: 0,
  });
  consumers.push(consumer);
  subscriptions.push(consumer.events$.subscribe((event) => worker.events.push(event)));
  return Object.assign(worker, { consumer });
}

/** A checkpointed pipeline taking `ms` per record; `into` gets what it processed. */
function pipeline(worker: Worker, ms: number, ledgers: readonly ProcessedLedger[]): Subscription {
  return worker.consumer
    .pipe(
      concatMap((record: KinesisRecord) => (ms === 0 ? [record] : timer(ms).pipe(map(() => record)))),
      map((record) => {
        for (const ledger of ledgers) ledger.add(record.shardId, record.sequenceNumber);
        return record;
      }),
      checkpoint({ batchSize: 1, intervalMs: 50 }),
    )
    .subscribe();
}

const held = (worker: Worker, shardId: string): number =>
  worker.events.filter((e) => e.type === 'lease-acquired' && e.shardId === shardId).length -
  worker.events.filter(
    (e) => (e.type === 'lease-released' || e.type === 'lease-lost') && e.shardId === shardId,
  ).length;

const startsOf = (worker: Worker, shardId: string) =>
  worker.events.flatMap((e) => (e.type === 'shard-started' && e.shardId === shardId ? [e.start] : []));

/** Records of the shard after a start position (all of them when it starts at the trim horizon). */
function after(
  written: readonly WrittenRecord[],
  start: { sequenceNumber?: string } | undefined,
): WrittenRecord[] {
  return written.filter(
    (record) =>
      start?.sequenceNumber === undefined || BigInt(record.sequenceNumber) > BigInt(start.sequenceNumber),
  );
}

function unprocessed(written: readonly WrittenRecord[], ledger: ProcessedLedger): string[] {
  return written.filter((r) => !ledger.has(r.shardId, r.sequenceNumber)).map((r) => r.data);
}

describe.each<Store>(['redis', 'dynamodb'])('the rewind in a group on %s', (store) => {
  const group = () => (store === 'redis' ? uniqueKeyPrefix('rewind') : uniqueTableName('rewind'));

  beforeEach(() => {
    writes.length = 0;
  });

  it('another worker takes the released lease: it starts at the rewound position, the rewinding worker does not read the shard again meanwhile', async () => {
    const streamName = uniqueStreamName('rewind-taken');
    await kinesis.createStream(streamName, 1);
    const shardId = 'shardId-000000000000';
    const written = await putRecords(client, streamName, numbers(30));
    const keys = group();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    const a = startWorker(store, keys, streamName, 'a', anyone);
    const first = pipeline(a, 40, [anyone, byFirst]);
    subscriptions.push(first);
    await waitFor(() => byFirst.size >= 3, {
      timeoutMs: 30_000,
      message: () => `a processed ${byFirst.size}`,
    });
    // b joins: with one shard and a holding it, it waits.
    const b = startWorker(store, keys, streamName, 'b', anyone);
    const byB = new ProcessedLedger();
    subscriptions.push(pipeline(b, 0, [anyone, byB]));
    await waitFor(() => b.events.some((e) => e.type === 'rebalance'), {
      timeoutMs: 20_000,
      message: () => `b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    // a's acquisitions wait until b took the lease a is about to give up.
    let open: () => void = () => undefined;
    a.gate = new Promise((resolve) => (open = resolve));
    const byLate = new ProcessedLedger();
    subscriptions.push(pipeline(a, 0, [anyone, byLate]));
    first.unsubscribe();
    await waitFor(() => held(b, shardId) === 1 && startsOf(b, shardId).length === 1, {
      timeoutMs: 20_000,
      message: () =>
        `a: ${a.events.map((e) => e.type).join(', ')}; b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    const start = startsOf(b, shardId)[0];
    // Never past what a's first pipeline left unprocessed (nobody else received it).
    const left = written.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    expect(after(written, start).map((r) => r.data)).toEqual(expect.arrayContaining(left.map((r) => r.data)));
    open();
    a.gate = undefined;
    await waitFor(() => unprocessed(written, byB).length === 0 || unprocessed(written, anyone).length === 0, {
      timeoutMs: 20_000,
      message: () => `unprocessed: ${unprocessed(written, anyone).join(',')}`,
    });
    await waitFor(() => unprocessed(after(written, start), byB).length === 0, {
      timeoutMs: 20_000,
      message: () => `b did not process ${unprocessed(after(written, start), byB).join(',')}`,
    });
    // a stays off the shard while b holds it: its late pipeline received none of it.
    expect(held(a, shardId)).toBe(0);
    expect(byLate.size).toBe(0);
    expect(writesAheadOfProcessing(writes, written)).toEqual([]);
  });

  it('the rewinding worker takes the lease back when nobody else does: its remaining pipeline gets the records again, the other worker reads nothing', async () => {
    const streamName = uniqueStreamName('rewind-back');
    await kinesis.createStream(streamName, 1);
    const shardId = 'shardId-000000000000';
    const written = await putRecords(client, streamName, numbers(30));
    const keys = group();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    const a = startWorker(store, keys, streamName, 'a', anyone);
    const first = pipeline(a, 40, [anyone, byFirst]);
    subscriptions.push(first);
    await waitFor(() => byFirst.size >= 3, {
      timeoutMs: 30_000,
      message: () => `a processed ${byFirst.size}`,
    });
    const b = startWorker(store, keys, streamName, 'b', anyone);
    const byB = new ProcessedLedger();
    subscriptions.push(pipeline(b, 0, [anyone, byB]));
    await waitFor(() => b.events.some((e) => e.type === 'rebalance'), {
      timeoutMs: 20_000,
      message: () => `b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    // b's acquisitions wait: only a may take the lease back.
    let open: () => void = () => undefined;
    b.gate = new Promise((resolve) => (open = resolve));
    const byLate = new ProcessedLedger();
    subscriptions.push(pipeline(a, 0, [anyone, byLate]));
    first.unsubscribe();
    const left = written.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    await waitFor(() => unprocessed(left, byLate).length === 0, {
      timeoutMs: 20_000,
      message: () => `a's late pipeline did not process ${unprocessed(left, byLate).join(',')}`,
    });
    open();
    // Two heartbeats more: b, below its share, still finds the shard held.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_MS));
    expect(startsOf(a, shardId)).toHaveLength(2);
    expect(held(a, shardId)).toBe(1);
    expect(byB.size).toBe(0);
    expect(writesAheadOfProcessing(writes, written)).toEqual([]);
  });

  it("a handoff waiting for the leaving pipeline's records hands the shard over from the rewound position", async () => {
    const streamName = uniqueStreamName('rewind-handoff');
    await kinesis.createStream(streamName, 2);
    const shards = ['shardId-000000000000', 'shardId-000000000001'];
    const written = await putRecords(client, streamName, numbers(40));
    const keys = group();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    const a = startWorker(store, keys, streamName, 'a', anyone);
    // Slow: a's handover of a shard cannot drain before the pipeline leaves.
    const first = pipeline(a, 150, [anyone, byFirst]);
    subscriptions.push(first);
    await waitFor(
      () => held(a, shards[0] as string) === 1 && held(a, shards[1] as string) === 1 && byFirst.size >= 2,
      {
        timeoutMs: 30_000,
        message: () => `a: ${a.events.map((e) => e.type).join(', ')}; processed ${byFirst.size}`,
      },
    );
    const b = startWorker(store, keys, streamName, 'b', anyone);
    const byB = new ProcessedLedger();
    subscriptions.push(pipeline(b, 0, [anyone, byB]));
    // b asks a for a shard; a stops reading it and waits for its records.
    await waitFor(() => b.events.some((e) => e.type === 'handoff-requested'), {
      timeoutMs: 20_000,
      message: () => `b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    const requested = b.events.find((e) => e.type === 'handoff-requested');
    const moved = requested?.type === 'handoff-requested' ? requested.shardId : '';
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
    const byLate = new ProcessedLedger();
    subscriptions.push(pipeline(a, 0, [anyone, byLate]));
    first.unsubscribe();
    await waitFor(() => held(b, moved) === 1 && startsOf(b, moved).length > 0, {
      timeoutMs: 20_000,
      message: () =>
        `a: ${a.events.map((e) => e.type).join(', ')}; b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    const ofMoved = written.filter((r) => r.shardId === moved);
    const start = startsOf(b, moved)[0];
    const left = ofMoved.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    expect(after(ofMoved, start).map((r) => r.data)).toEqual(expect.arrayContaining(left.map((r) => r.data)));
    await waitFor(() => unprocessed(written, anyone).length === 0, {
      timeoutMs: 20_000,
      message: () => `unprocessed: ${unprocessed(written, anyone).join(',')}`,
    });
    expect(writesAheadOfProcessing(writes, written)).toEqual([]);
  });

  it('the rewinding worker freezes after its write, before its release: the lease runs out and the next owner starts at the rewound position', async () => {
    const streamName = uniqueStreamName('rewind-frozen');
    await kinesis.createStream(streamName, 1);
    const shardId = 'shardId-000000000000';
    const written = await putRecords(client, streamName, numbers(30));
    const keys = group();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    const a = startWorker(store, keys, streamName, 'a', anyone);
    const first = pipeline(a, 40, [anyone, byFirst]);
    subscriptions.push(first);
    await waitFor(() => byFirst.size >= 3, {
      timeoutMs: 30_000,
      message: () => `a processed ${byFirst.size}`,
    });
    const b = startWorker(store, keys, streamName, 'b', anyone);
    const byB = new ProcessedLedger();
    subscriptions.push(pipeline(b, 0, [anyone, byB]));
    await waitFor(() => b.events.some((e) => e.type === 'rebalance'), {
      timeoutMs: 20_000,
      message: () => `b: ${b.events.map((e) => e.type).join(', ')}`,
    });
    // a writes its rewound position, then hangs in its release (and takes nothing more).
    let thaw: () => void = () => undefined;
    a.releaseGate = new Promise((resolve) => (thaw = resolve));
    a.gate = a.releaseGate;
    const writesBefore = writes.length;
    const byLate = new ProcessedLedger();
    subscriptions.push(pipeline(a, 0, [anyone, byLate]));
    first.unsubscribe();
    try {
      await waitFor(() => held(b, shardId) === 1 && startsOf(b, shardId).length === 1, {
        timeoutMs: 20_000,
        message: () =>
          `a: ${a.events.map((e) => e.type).join(', ')}; b: ${b.events.map((e) => e.type).join(', ')}`,
      });
      const start = startsOf(b, shardId)[0];
      const left = written.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
      expect(after(written, start).map((r) => r.data)).toEqual(
        expect.arrayContaining(left.map((r) => r.data)),
      );
      await waitFor(() => unprocessed(after(written, start), byB).length === 0, {
        timeoutMs: 20_000,
        message: () => `b did not process ${unprocessed(after(written, start), byB).join(',')}`,
      });
      // a wrote once at most since (its rewound position), before any write of b.
      const since = writes.slice(writesBefore);
      const firstOfB = since.findIndex((w) => w.worker === 'b');
      expect(since.filter((w) => w.worker === 'a').length).toBeLessThanOrEqual(1);
      expect(since.slice(Math.max(0, firstOfB)).filter((w) => w.worker === 'a')).toEqual([]);
    } finally {
      thaw();
      a.releaseGate = undefined;
      a.gate = undefined;
    }
    // Thawed, a's late release finds the lease taken: b keeps it, a reads nothing of it.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_MS));
    expect(held(b, shardId)).toBe(1);
    expect(byLate.size).toBe(0);
    expect(writesAheadOfProcessing(writes, written)).toEqual([]);
  });
});
