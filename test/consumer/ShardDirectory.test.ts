import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import type { ShardCheckpoint } from '../../src/checkpointers/Checkpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { resolveConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { ShardDirectory, type StoredShard } from '../../src/consumer/ShardDirectory.js';

/** A client whose ListShards answers `shards` (one page). */
function listing(shards: Shard[]): KinesisClient {
  return { send: async () => ({ Shards: shards }) } as unknown as KinesisClient;
}

const open = (id: string, parent?: string, adjacent?: string): Shard => ({
  ShardId: id,
  ...(parent === undefined ? {} : { ParentShardId: parent }),
  ...(adjacent === undefined ? {} : { AdjacentParentShardId: adjacent }),
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
});
const closed = (id: string, parent?: string): Shard => ({
  ...open(id, parent),
  SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
});

async function directory(shards: Shard[], iteratorType: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
  const events: ConsumerEvent[] = [];
  const dir = new ShardDirectory(
    listing(shards),
    resolveConsumerOptions({ streamName: 'orders', iteratorType }),
    (event) => events.push(event),
    () => Promise.resolve(),
  );
  expect(await dir.refresh(() => true)).toBeUndefined();
  return { dir, events };
}

function store(entries: Record<string, ShardCheckpoint>): (shardId: string) => Promise<StoredShard> {
  return (shardId) => Promise.resolve({ checkpoint: entries[shardId] });
}

const end: ShardCheckpoint = { kind: 'shard-end' };
const at = (sequenceNumber: string): ShardCheckpoint => ({ kind: 'position', position: { sequenceNumber } });

test('children open only once every parent (both parents of a merge) ended', async () => {
  const { dir, events } = await directory([closed('p0'), closed('p1'), open('c', 'p0', 'p1')]);
  expect(events).toEqual([{ type: 'shards-discovered', shardIds: ['p0', 'p1', 'c'] }]);
  expect(await dir.openShards(store({}))).toEqual(['p0', 'p1']);
  expect(await dir.openShards(store({ p0: end }))).toEqual(['p1']);
  expect(await dir.openShards(store({ p0: end, p1: end }))).toEqual(['c']);
  expect(dir.childrenOf('p0')).toEqual(['c']);
  expect(dir.parentsOf('c')).toEqual(['p0', 'p1']);
});

test('a child whose parent has anything stored starts at TRIM_HORIZON, with LATEST configured', async () => {
  const { dir } = await directory([closed('p'), open('c', 'p')], 'LATEST');
  expect(await dir.startOf('c', store({ p: end }))).toMatchObject({ iteratorType: 'TRIM_HORIZON' });
  expect(await dir.startOf('c', store({ p: at('5') }))).toMatchObject({ iteratorType: 'TRIM_HORIZON' });
  expect(await dir.startOf('c', store({ c: at('7') }))).toMatchObject({
    iteratorType: 'AFTER_SEQUENCE_NUMBER',
    sequenceNumber: '7',
  });
});

test('a child whose parent is no longer listed (trimmed) starts at TRIM_HORIZON while the parent has anything stored', async () => {
  const { dir } = await directory([open('c', 'p0', 'p1')], 'LATEST');
  expect(dir.parentsOf('c')).toEqual([]);
  expect(await dir.openShards(store({}))).toEqual(['c']);
  expect(await dir.startOf('c', store({ p0: end }))).toMatchObject({ iteratorType: 'TRIM_HORIZON' });
  expect(await dir.startOf('c', store({ p1: at('5') }))).toMatchObject({ iteratorType: 'TRIM_HORIZON' });
  // Nothing stored of either (never read, or forgotten once the child had a position): as configured.
  expect(await dir.startOf('c', store({}))).toEqual({ iteratorType: 'LATEST', origin: 'configured' });
});

test('LATEST skips a closed shard the group never stored anything for, and its child starts at LATEST', async () => {
  const { dir } = await directory([closed('p'), open('c', 'p')], 'LATEST');
  expect(await dir.openShards(store({}))).toEqual(['c']);
  expect(await dir.startOf('c', store({}))).toEqual({ iteratorType: 'LATEST', origin: 'configured' });
  // With TRIM_HORIZON the parent is read first.
  const trim = await directory([closed('p'), open('c', 'p')]);
  expect(await trim.dir.openShards(store({}))).toEqual(['p']);
});

test('a closed shard this consumer started is never skipped', async () => {
  const { dir } = await directory([closed('p'), open('c', 'p')], 'LATEST');
  dir.markStarted('p');
  expect(await dir.openShards(store({}))).toEqual(['p']);
});

test('lineageOf: the parents ListShards names (listed or not) and the hash key range, for the checkpointer', async () => {
  const { dir } = await directory([closed('p1'), open('c', 'p0', 'p1'), open('solo')]);
  expect(dir.lineageOf('c')).toEqual({
    parentShardIds: ['p0', 'p1'],
    hashKeyRange: { startingHashKey: '0', endingHashKey: '1' },
  });
  expect(dir.lineageOf('solo')).toEqual({
    parentShardIds: [],
    hashKeyRange: { startingHashKey: '0', endingHashKey: '1' },
  });
  expect(dir.lineageOf('unknown')).toBeUndefined();
});

test('a shard a later listing no longer shows (trimmed) is forgotten: nothing kept of it', async () => {
  let shards = [closed('p'), open('c', 'p')];
  const dir = new ShardDirectory(
    { send: async () => ({ Shards: shards }) } as unknown as KinesisClient,
    resolveConsumerOptions({ streamName: 'orders', iteratorType: 'TRIM_HORIZON' }),
    () => undefined,
    () => Promise.resolve(),
  );
  await dir.refresh(() => true);
  dir.markStarted('p');
  expect(await dir.openShards(store({ p: end }))).toEqual(['c']);
  expect(dir.isEnded('p')).toBe(true);
  shards = [open('c', 'p')];
  await dir.refresh(() => true);
  expect(dir.isEnded('p')).toBe(false);
  expect(await dir.openShards(store({ p: end }))).toEqual(['c']);
});

test('a parent read from the configured AT_TIMESTAMP and trimmed since starts its listed child there too; forgotten with it', async () => {
  let shards = [closed('p'), open('c', 'p')];
  const dir = new ShardDirectory(
    { send: async () => ({ Shards: shards }) } as unknown as KinesisClient,
    resolveConsumerOptions({
      streamName: 'orders',
      iteratorType: 'AT_TIMESTAMP',
      timestamp: new Date(5_000),
    }),
    () => undefined,
    () => Promise.resolve(),
  );
  await dir.refresh(() => true);
  dir.markStarted('p', { iteratorType: 'AT_TIMESTAMP', timestamp: new Date(5_000), origin: 'configured' });
  shards = [open('c', 'p')];
  await dir.refresh(() => true);
  expect(await dir.startOf('c', store({ p: end }))).toEqual({
    iteratorType: 'AT_TIMESTAMP',
    timestamp: new Date(5_000),
    origin: 'parent',
  });
  // Nothing is kept of it once no listed shard names it.
  shards = [open('d')];
  await dir.refresh(() => true);
  expect((dir as unknown as { fromTimestamp: Set<string> }).fromTimestamp.size).toBe(0);
});

test('newlyUnknown reports an unlisted shard once, and keeps only the ids the latest leases still name', async () => {
  const { dir } = await directory([open('c')]);
  const reported = () => (dir as unknown as { unknownReported: Set<string> }).unknownReported;
  expect(dir.newlyUnknown(['t1', 't2'])).toBe(true);
  expect(dir.newlyUnknown(['t1', 't2'])).toBe(false); // reported already
  // t1's state was forgotten: its lease is gone from the store, and from what is kept here.
  expect(dir.newlyUnknown(['t2'])).toBe(false);
  expect([...reported()]).toEqual(['t2']);
  // Many trimmed shards over many cycles: what is kept follows the store, not the history.
  for (let cycle = 0; cycle < 50; cycle += 1) dir.newlyUnknown([`x${cycle}`]);
  expect([...reported()]).toEqual(['x49']);
});

test('counts listings started, the last successful one and changes of the shard set', async () => {
  let shards = [open('a')];
  const dir = new ShardDirectory(
    { send: async () => ({ Shards: shards }) } as unknown as KinesisClient,
    resolveConsumerOptions({ streamName: 'orders' }),
    () => undefined,
    () => Promise.resolve(),
  );
  await dir.refresh(() => true);
  await dir.refresh(() => true);
  expect([dir.startedListings, dir.listedOrdinal, dir.changes]).toEqual([2, 2, 1]);
  shards = [open('a'), open('b')];
  await dir.refresh(() => true);
  expect([dir.startedListings, dir.listedOrdinal, dir.changes]).toEqual([3, 3, 2]);
});

test('stop() aborts the listing under way and resolves once it ended: no back-off, no event after it', async () => {
  let aborted = false;
  let running = true;
  const delays: number[] = [];
  const events: ConsumerEvent[] = [];
  const client = {
    send: (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
      new Promise((_resolve, reject) =>
        options?.abortSignal?.addEventListener('abort', () => {
          aborted = true;
          reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
        }),
      ),
  } as unknown as KinesisClient;
  const dir = new ShardDirectory(
    client,
    resolveConsumerOptions({ streamName: 'orders', iteratorType: 'TRIM_HORIZON' }),
    (event) => events.push(event),
    (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  );
  const listing = dir.refresh(() => running);
  running = false;
  await dir.stop();
  expect(aborted).toBe(true);
  expect(await listing).toBeUndefined();
  expect(delays).toEqual([]);
  expect(events).toEqual([]);
});
