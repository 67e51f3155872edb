import type { Checkpointer } from '../../src/checkpointers/Checkpointer.js';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { GoneShardCleanup, type ShardListing } from '../../src/consumer/GoneShardCleanup.js';

const STREAM = 'stream';
const LEASE_MS = 1000;

/** A listing: shards with their parents; each list() is one listing that started and ended. */
class FakeListing implements ShardListing {
  listedOrdinal = 0;
  startedListings = 0;
  changes = 0;
  private shards = new Map<string, readonly string[]>();

  list(shards: Record<string, readonly string[]>): void {
    this.startedListings += 1;
    this.listedOrdinal = this.startedListings;
    const next = new Map(Object.entries(shards));
    const same = next.size === this.shards.size && [...next.keys()].every((id) => this.shards.has(id));
    if (!same) this.changes += 1;
    this.shards = next;
  }

  has(shardId: string): boolean {
    return this.shards.has(shardId);
  }

  childrenOf(shardId: string): string[] {
    return [...this.shards].filter(([, parents]) => parents.includes(shardId)).map(([id]) => id);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(
  options: { withoutForget?: boolean; onForget?: () => void; forgetFails?: () => boolean } = {},
) {
  let now = 1_000_000;
  const memory = new MemoryCheckpointer({ leaseDurationMs: LEASE_MS, now: () => now });
  let reads = 0;
  let running = true;
  const warnings: string[] = [];
  const forgetCalls: string[][] = [];
  // The memory checkpointer, counting reads; without forgetShards when asked.
  const checkpointer = Object.assign(Object.create(memory) as Checkpointer, {
    listLeases: (streamName: string) => {
      reads += 1;
      return memory.listLeases(streamName);
    },
    forgetShards:
      options.withoutForget === true
        ? undefined
        : (streamName: string, shardIds: readonly string[]) => {
            forgetCalls.push([...shardIds]);
            options.onForget?.();
            if (options.forgetFails?.() === true) return Promise.reject(new Error('AccessDenied'));
            return memory.forgetShards(streamName, shardIds);
          },
  });

  const listing = new FakeListing();
  const cleanup = new GoneShardCleanup({
    checkpointer,
    streamName: STREAM,
    now: () => now,
    retryMs: LEASE_MS,
    running: () => running,
    logger: {
      debug: () => undefined,
      warn: (message: string) => void warnings.push(message),
      error: () => undefined,
    },
  });
  /** One listing, then the cleanup's pass after it. */
  const list = async (shards: Record<string, readonly string[]>) => {
    listing.list(shards);
    cleanup.afterListing(listing);
    await flush();
  };
  const stored = async () => (await memory.listLeases(STREAM)).map((info) => info.shardId);
  const write = async (shardId: string, end: boolean, release = true) => {
    const lease = await memory.acquireLease(STREAM, shardId, 'worker');
    if (lease === undefined) throw new Error(`${shardId} is held`);
    if (end) await memory.markShardEnd(lease);
    else await memory.checkpoint(lease, { sequenceNumber: '100' });
    if (release) await memory.releaseLease(lease);
  };
  return {
    memory,
    list,
    stored,
    write,
    reads: () => reads,
    advance: (ms: number) => (now += ms),
    forgetCalls,
    stop: () => (running = false),
    cleanup,
    warnings,
  };
}

// Shard 0 split into 1 and 2, merged into 3.
const ALL = { s0: [], s1: ['s0'], s2: ['s0'], s3: ['s1', 's2'] };
const TRIMMED_0 = { s1: ['s0'], s2: ['s0'], s3: ['s1', 's2'] };

test('forgets a trimmed shard at SHARD_END whose children have positions, at the listing after its read', async () => {
  const t = setup();
  await t.write('s0', true);
  await t.write('s1', false);
  await t.write('s2', false);
  await t.list(ALL); // reads the state
  await t.list(TRIMMED_0); // s0 gone: the state read before this listing started shows it
  expect(await t.stored()).toEqual(['s1', 's2']);
});

test('keeps a trimmed parent while a listed child has no position of its own, then forgets it', async () => {
  const t = setup();
  await t.write('s0', true);
  await t.write('s1', false); // s2 has nothing stored: it starts at TRIM_HORIZON thanks to s0
  await t.list(ALL);
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s0', 's1']);
  await t.write('s2', false);
  t.advance(LEASE_MS);
  await t.list(TRIMMED_0); // due again: reads
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s1', 's2']);
});

test('keeps a trimmed shard whose lease someone holds, and forgets it once the lease expired', async () => {
  const t = setup();
  await t.write('s0', true, false); // still held
  await t.write('s1', false);
  await t.write('s2', false);
  await t.list(ALL);
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s0', 's1', 's2']);
  t.advance(LEASE_MS);
  await t.list(TRIMMED_0);
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s1', 's2']);
});

test('forgets a trimmed shard not read to its end (its records are gone) once its children have positions', async () => {
  const t = setup();
  await t.write('s0', false);
  await t.write('s1', false);
  await t.list(ALL);
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s0', 's1']); // s2 has no position yet
  await t.write('s2', false);
  t.advance(LEASE_MS);
  await t.list(TRIMMED_0);
  await t.list(TRIMMED_0);
  expect(await t.stored()).toEqual(['s1', 's2']);
});

test('never judges by a listing that started before the state was read', async () => {
  const t = setup();
  await t.write('s0', true);
  await t.write('s1', false);
  await t.write('s2', false);
  // The state is read after the first listing; a shard the listing did not show (s9: created by
  // another worker's view, a listing that started earlier) is not gone for it.
  await t.write('s9', true);
  await t.list(ALL); // reads s0, s1, s2, s9 after this listing
  expect(await t.stored()).toEqual(['s0', 's1', 's2', 's9']);
  await t.list({ ...ALL, s9: [] }); // started after the read: s9 listed, s0 too
  expect(await t.stored()).toEqual(['s0', 's1', 's2', 's9']);
});

test('reads the stored state once per change of the listing, not on every listing', async () => {
  const t = setup();
  await t.write('s0', false);
  for (let i = 0; i < 5; i += 1) await t.list(ALL);
  expect(t.reads()).toBe(1);
  await t.list(TRIMMED_0);
  await t.list(TRIMMED_0);
  await t.list(TRIMMED_0);
  expect(t.reads()).toBe(2);
});

test('does nothing with a checkpointer without forgetShards', async () => {
  const t = setup({ withoutForget: true });
  await t.write('s0', true);
  await t.list(ALL);
  await t.list(TRIMMED_0);
  expect(t.reads()).toBe(0);
  expect(await t.stored()).toEqual(['s0']);
});

test('a stop during a pass lets no further forgetShards call start: the stop waits for one call at most', async () => {
  let stop = () => undefined as unknown;
  const t = setup({ onForget: () => stop() });
  stop = t.stop;
  const gone = Array.from({ length: 60 }, (_, i) => `g${i}`);
  for (const shardId of gone) await t.write(shardId, true);
  await t.list({ s0: [] }); // reads the 60 gone shards
  await t.list({ s0: [] }); // forgets: the consumer stops during the first call
  await t.cleanup.stop();
  expect(t.forgetCalls).toHaveLength(1);
  expect(t.forgetCalls[0].length).toBeLessThan(gone.length);
  expect((await t.stored()).length).toBe(gone.length - t.forgetCalls[0].length);
});

test('stop() resolves once the pass under way ended', async () => {
  const t = setup();
  await t.write('s0', true);
  await t.list(ALL);
  expect(t.reads()).toBe(1);
  await t.cleanup.stop(); // nothing under way
  t.stop();
  await t.list(TRIMMED_0); // no new call once stopped
  await t.cleanup.stop();
  expect(t.forgetCalls).toEqual([]);
  expect(t.reads()).toBe(1);
});

test('a lasting forgetShards failure is warned of once and retried ever more rarely; a success ends the streak', async () => {
  let fails = true;
  const t = setup({ forgetFails: () => fails });
  await t.write('s0', true);
  await t.write('s1', false);
  await t.write('s2', false);
  await t.list(ALL); // reads
  const callTimes: number[] = [];
  let elapsed = 0;
  // A listing every 100 ms for 200 lease durations.
  for (let i = 0; i < 2000; i += 1) {
    const before = t.forgetCalls.length;
    await t.list(TRIMMED_0);
    if (t.forgetCalls.length > before) callTimes.push(elapsed);
    t.advance(100);
    elapsed += 100;
  }
  expect(t.warnings).toHaveLength(1);
  expect(t.warnings[0]).toMatch(/could not forget the state of trimmed shards .*AccessDenied/);
  // Each retry waits twice as long as the one before (1, 2, 4, ... lease durations, then 64).
  const gaps = callTimes.slice(1).map((at, i) => at - callTimes[i]);
  expect(gaps.slice(0, 5).every((gap, i) => gap >= LEASE_MS * 2 ** i)).toBe(true);
  expect(callTimes.length).toBeLessThan(12);
  expect(await t.stored()).toEqual(['s0', 's1', 's2']);
  fails = false;
  t.advance(64 * LEASE_MS);
  await t.list(TRIMMED_0); // reads again
  await t.list(TRIMMED_0); // forgets
  expect(await t.stored()).toEqual(['s1', 's2']);
});
