// A pipeline that leaves a fromKinesis() consumer of a group with records no remaining pipeline
// received: its reading stops, writes only the position before them and releases the lease (the
// rewind). In a group another worker may take the lease during that release, or a handoff may
// be under way: whoever reads the shard next starts from a stored position never past a record
// nobody processed, and two workers never read the shard at once. Run on Redis and on DynamoDB,
// every worker a fromKinesis() consumer of this process with its own checkpointer.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import type { LeaseCoordinator, ReleaseLeaseOptions } from '../../src/checkpointers/LeaseCoordinator.js';
import { startTestDynamoDB, uniqueTableName, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startTestRedis, uniqueKeyPrefix, type TestRedis } from '../support/redis.js';
import {
  numbers,
  ProcessedLedger,
  putRecords,
  splitShard,
  waitFor,
  writesAheadOfProcessing,
  type WrittenRecord,
} from '../support/streamRecords.js';
import {
  eventTypes,
  heldBy,
  InProcessGroup,
  type InProcessWorker,
  groupCheckpointer,
  type GroupStore,
} from './inProcessGroup.js';

jest.setTimeout(60_000);

const SESSION_MS = 2000;
const HEARTBEAT_MS = 250;

let kinesis: TestKinesis;
let redis: TestRedis;
let dynamo: TestDynamoDB;
let client: KinesisClient;
let group: InProcessGroup | undefined;

beforeAll(async () => {
  [kinesis, redis, dynamo] = await Promise.all([startTestKinesis(), startTestRedis(), startTestDynamoDB()]);
  client = kinesis.createClient();
});

afterEach(async () => {
  await group?.close();
  group = undefined;
});

afterAll(async () => {
  client.destroy();
  await Promise.all([kinesis.close(), redis.close(), dynamo.close()]);
});

type Store = GroupStore;

function coordinator(store: Store, keys: string): LeaseCoordinator {
  return groupCheckpointer(store, keys, {
    redisUrl: redis.url,
    dynamo,
    name: 'rewind',
    sessionMs: SESSION_MS,
    heartbeatMs: HEARTBEAT_MS,
  });
}

/** What a test holds a worker's calls to the store with: while a gate is set, they wait for it. */
interface Gates {
  acquire: Promise<void> | undefined;
  /** A process frozen at its release. */
  release: Promise<void> | undefined;
}

interface Worker extends InProcessWorker {
  readonly gates: Gates;
}

function startWorker(store: Store, keys: string, id: string): Worker {
  const checkpointer = coordinator(store, keys);
  const gates: Gates = { acquire: undefined, release: undefined };
  const acquire = checkpointer.acquireLease.bind(checkpointer);
  checkpointer.acquireLease = async (...args: Parameters<LeaseCoordinator['acquireLease']>) => {
    await gates.acquire;
    return acquire(...args);
  };
  const release = checkpointer.releaseLease.bind(checkpointer);
  const gatedRelease = async (lease: Lease, options?: ReleaseLeaseOptions) => {
    await gates.release;
    return release(lease, options);
  };
  // One function for both of releaseLease's signatures (the one-argument one typed as void).
  checkpointer.releaseLease = gatedRelease as LeaseCoordinator['releaseLease'];
  return { ...(group as InProcessGroup).start(id, checkpointer), gates };
}

function pipeline(worker: Worker, ms: number, ledgers: readonly ProcessedLedger[]) {
  return (group as InProcessGroup).pipeline(worker, ms, ledgers);
}

const writes = () => (group as InProcessGroup).writes;

const startsOf = (worker: Worker, shardId: string) =>
  worker.events.flatMap(({ event: e }) =>
    e.type === 'shard-started' && e.shardId === shardId ? [e.start] : [],
  );

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
  const keysFor = () => (store === 'redis' ? uniqueKeyPrefix('rewind') : uniqueTableName('rewind'));

  /**
   * A one-shard stream of 30 records read by worker a through a slow pipeline (`first`, 40 ms a
   * record) until it processed 3, then worker b started (its pipeline fast) and balancing.
   */
  async function twoWorkers(name: string) {
    const streamName = uniqueStreamName(name);
    await kinesis.createStream(streamName, 1);
    const shardId = 'shardId-000000000000';
    const written = await putRecords(client, streamName, numbers(30));
    const keys = keysFor();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    group = new InProcessGroup(kinesis, streamName, anyone);
    const a = startWorker(store, keys, 'a');
    const first = pipeline(a, 40, [anyone, byFirst]);
    await waitFor(() => byFirst.size >= 3, {
      timeoutMs: 30_000,
      message: () => `a processed ${byFirst.size}`,
    });
    const b = startWorker(store, keys, 'b');
    const byB = new ProcessedLedger();
    pipeline(b, 0, [anyone, byB]);
    await waitFor(() => b.events.some(({ event }) => event.type === 'rebalance'), {
      timeoutMs: 20_000,
      message: () => `b: ${eventTypes(b)}`,
    });
    return { shardId, written, anyone, byFirst, a, first, b, byB };
  }

  it('another worker takes the released lease: it starts at the rewound position, the rewinding worker does not read the shard again meanwhile', async () => {
    // b joins: with one shard and a holding it, it waits.
    const { shardId, written, anyone, byFirst, a, first, b, byB } = await twoWorkers('rewind-taken');
    // a's acquisitions wait until b took the lease a is about to give up.
    let open: () => void = () => undefined;
    a.gates.acquire = new Promise((resolve) => (open = resolve));
    const byLate = new ProcessedLedger();
    pipeline(a, 0, [anyone, byLate]);
    first.unsubscribe();
    await waitFor(() => heldBy(b, shardId) === 1 && startsOf(b, shardId).length === 1, {
      timeoutMs: 20_000,
      message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
    });
    const start = startsOf(b, shardId)[0];
    // Never past what a's first pipeline left unprocessed (nobody else received it).
    const left = written.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    expect(after(written, start).map((r) => r.data)).toEqual(expect.arrayContaining(left.map((r) => r.data)));
    open();
    a.gates.acquire = undefined;
    await waitFor(() => unprocessed(written, byB).length === 0 || unprocessed(written, anyone).length === 0, {
      timeoutMs: 20_000,
      message: () => `unprocessed: ${unprocessed(written, anyone).join(',')}`,
    });
    await waitFor(() => unprocessed(after(written, start), byB).length === 0, {
      timeoutMs: 20_000,
      message: () => `b did not process ${unprocessed(after(written, start), byB).join(',')}`,
    });
    // a stays off the shard while b holds it: its late pipeline received none of it.
    expect(heldBy(a, shardId)).toBe(0);
    expect(byLate.size).toBe(0);
    expect(writesAheadOfProcessing(writes(), written)).toEqual([]);
  });

  it('the rewinding worker takes the lease back when nobody else does: its remaining pipeline gets the records again, the other worker reads nothing', async () => {
    // b joins: with one shard and a holding it, it waits.
    const { shardId, written, anyone, byFirst, a, first, b, byB } = await twoWorkers('rewind-back');
    // b's acquisitions wait: only a may take the lease back.
    let open: () => void = () => undefined;
    b.gates.acquire = new Promise((resolve) => (open = resolve));
    const byLate = new ProcessedLedger();
    pipeline(a, 0, [anyone, byLate]);
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
    expect(heldBy(a, shardId)).toBe(1);
    expect(byB.size).toBe(0);
    expect(writesAheadOfProcessing(writes(), written)).toEqual([]);
  });

  it("a handoff waiting for the leaving pipeline's records hands the shard over from the rewound position", async () => {
    const streamName = uniqueStreamName('rewind-handoff');
    await kinesis.createStream(streamName, 2);
    const shards = ['shardId-000000000000', 'shardId-000000000001'];
    const written = await putRecords(client, streamName, numbers(40));
    const keys = keysFor();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    group = new InProcessGroup(kinesis, streamName, anyone);
    const a = startWorker(store, keys, 'a');
    // Slow: a's handover of a shard cannot drain before the pipeline leaves.
    const first = pipeline(a, 150, [anyone, byFirst]);
    await waitFor(
      () => heldBy(a, shards[0] as string) === 1 && heldBy(a, shards[1] as string) === 1 && byFirst.size >= 2,
      {
        timeoutMs: 30_000,
        message: () => `a: ${eventTypes(a)}; processed ${byFirst.size}`,
      },
    );
    const b = startWorker(store, keys, 'b');
    const byB = new ProcessedLedger();
    pipeline(b, 0, [anyone, byB]);
    // b asks a for a shard; a stops reading it and waits for its records.
    await waitFor(() => b.events.some(({ event }) => event.type === 'handoff-requested'), {
      timeoutMs: 20_000,
      message: () => `b: ${eventTypes(b)}`,
    });
    const requested = b.events.find(({ event }) => event.type === 'handoff-requested')?.event;
    const moved = requested?.type === 'handoff-requested' ? requested.shardId : '';
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
    const byLate = new ProcessedLedger();
    pipeline(a, 0, [anyone, byLate]);
    first.unsubscribe();
    // The handover reserves the shard for b. But the leaving pipeline had records of a's other
    // shard too: a gives that one up as well (its rewind, reserved for nobody), and b, whose
    // share is one shard, may take it first and leave the reservation. a then reads the moved
    // shard again. Whoever reads it next starts from the position the handover stored.
    const nextStart = () => {
      if (heldBy(b, moved) === 1 && startsOf(b, moved).length > 0) return startsOf(b, moved)[0];
      const gaveUp = a.events.findIndex(
        ({ event: e }) => (e.type === 'lease-released' || e.type === 'lease-lost') && e.shardId === moved,
      );
      if (gaveUp < 0 || heldBy(a, moved) !== 1) return undefined;
      const again = a.events
        .slice(gaveUp)
        .find(({ event: e }) => e.type === 'shard-started' && e.shardId === moved)?.event;
      return again?.type === 'shard-started' ? again.start : undefined;
    };
    await waitFor(() => nextStart() !== undefined, {
      timeoutMs: 20_000,
      message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
    });
    const ofMoved = written.filter((r) => r.shardId === moved);
    const start = nextStart();
    const left = ofMoved.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    expect(after(ofMoved, start).map((r) => r.data)).toEqual(expect.arrayContaining(left.map((r) => r.data)));
    await waitFor(() => unprocessed(written, anyone).length === 0, {
      timeoutMs: 20_000,
      message: () => `unprocessed: ${unprocessed(written, anyone).join(',')}`,
    });
    expect(writesAheadOfProcessing(writes(), written)).toEqual([]);
  });

  it('the rewinding worker freezes after its write, before its release: the lease runs out and the next owner starts at the rewound position', async () => {
    // b joins: with one shard and a holding it, it waits.
    const { shardId, written, anyone, byFirst, a, first, b, byB } = await twoWorkers('rewind-frozen');
    // a writes its rewound position, then hangs in its release (and takes nothing more).
    let thaw: () => void = () => undefined;
    a.gates.release = new Promise((resolve) => (thaw = resolve));
    a.gates.acquire = a.gates.release;
    const writesBefore = writes().length;
    const byLate = new ProcessedLedger();
    pipeline(a, 0, [anyone, byLate]);
    first.unsubscribe();
    try {
      await waitFor(() => heldBy(b, shardId) === 1 && startsOf(b, shardId).length === 1, {
        timeoutMs: 20_000,
        message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
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
      const since = writes().slice(writesBefore);
      const firstOfB = since.findIndex((w) => w.worker === 'b');
      expect(since.filter((w) => w.worker === 'a').length).toBeLessThanOrEqual(1);
      expect(since.slice(Math.max(0, firstOfB)).filter((w) => w.worker === 'a')).toEqual([]);
    } finally {
      thaw();
      a.gates.release = undefined;
      a.gates.acquire = undefined;
    }
    // Thawed, a's late release finds the lease taken: b keeps it, a reads nothing of it.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_MS));
    expect(heldBy(b, shardId)).toBe(1);
    expect(byLate.size).toBe(0);
    expect(writesAheadOfProcessing(writes(), written)).toEqual([]);
  });

  it('a parent shard read to its end: the next owner reads it again from the rewound position, and its children start only after', async () => {
    const streamName = uniqueStreamName('rewind-parent');
    await kinesis.createStream(streamName, 1);
    const parent = 'shardId-000000000000';
    const written = await putRecords(client, streamName, numbers(20));
    await splitShard(client, streamName, parent);
    const keys = keysFor();
    const anyone = new ProcessedLedger();
    const byFirst = new ProcessedLedger();
    group = new InProcessGroup(kinesis, streamName, anyone);
    const a = startWorker(store, keys, 'a');
    // a's reading of the parent reaches its end at once; the records wait in the slow pipeline
    // (20 s for the 20 records: longer than b's start and rebalance on a heavily loaded machine,
    // so a cannot have processed them all and marked the end before its pipeline is replaced).
    const first = pipeline(a, 1000, [anyone, byFirst]);
    await waitFor(() => byFirst.size >= 3, {
      timeoutMs: 30_000,
      message: () => `a processed ${byFirst.size}`,
    });
    const b = startWorker(store, keys, 'b');
    const byB = new ProcessedLedger();
    pipeline(b, 0, [anyone, byB]);
    await waitFor(() => b.events.some(({ event }) => event.type === 'rebalance'), {
      timeoutMs: 20_000,
      message: () => `b: ${eventTypes(b)}`,
    });
    let open: () => void = () => undefined;
    a.gates.acquire = new Promise((resolve) => (open = resolve));
    pipeline(a, 0, [anyone]);
    first.unsubscribe();
    try {
      await waitFor(() => startsOf(b, parent).length === 1, {
        timeoutMs: 20_000,
        message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
      });
    } finally {
      open();
      a.gates.acquire = undefined;
    }
    const left = written.filter((r) => !byFirst.has(r.shardId, r.sequenceNumber));
    expect(after(written, startsOf(b, parent)[0]).map((r) => r.data)).toEqual(
      expect.arrayContaining(left.map((r) => r.data)),
    );
    // b reads the parent to its end and marks it; the children start after that.
    await waitFor(() => [a, b].some((w) => w.events.some(({ event }) => event.type === 'shard-ended')), {
      timeoutMs: 20_000,
      message: () => `a: ${eventTypes(a)}; b: ${eventTypes(b)}`,
    });
    expect(a.events.some(({ event }) => event.type === 'shard-ended')).toBe(false);
    expect(unprocessed(written, anyone)).toEqual([]);
    expect(
      writes()
        .filter((w) => w.position === 'SHARD_END')
        .map((w) => w.worker),
    ).toEqual(['b']);
    expect(writesAheadOfProcessing(writes(), written)).toEqual([]);
  });
});
