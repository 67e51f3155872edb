// A closed shard with nothing stored whose descendants have stored positions was read to its end
// (children start only after their parents ended): the KCL deletes such a parent's lease once
// every child is past TRIM_HORIZON. It is not read again, and its children do not wait for it.
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import type { ShardCheckpoint } from '../../src/checkpointers/Checkpointer.js';
import { resolveConsumerOptions } from '../../src/consumer/ConsumerOptions.js';
import { ShardDirectory, type StoredShard } from '../../src/consumer/ShardDirectory.js';

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
const closed = (id: string, parent?: string, adjacent?: string): Shard => ({
  ...open(id, parent, adjacent),
  SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' },
});

async function directory(shards: Shard[], iteratorType: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
  const dir = new ShardDirectory(
    listing(shards),
    resolveConsumerOptions({ streamName: 'orders', iteratorType }),
    () => undefined,
    () => Promise.resolve(),
  );
  expect(await dir.refresh(() => true)).toBeUndefined();
  return dir;
}

function store(
  entries: Record<string, ShardCheckpoint>,
  leased: readonly string[] = [],
): (shardId: string) => Promise<StoredShard> {
  return (shardId) => Promise.resolve({ checkpoint: entries[shardId], leased: leased.includes(shardId) });
}

const at = (sequenceNumber: string): ShardCheckpoint => ({ kind: 'position', position: { sequenceNumber } });

test('a split parent whose children have positions is not read again; the children are', async () => {
  const dir = await directory([closed('p'), open('c1', 'p'), open('c2', 'p')]);
  expect(await dir.openShards(store({ c1: at('5'), c2: at('7') }))).toEqual(['c1', 'c2']);
  expect(dir.isEnded('p')).toBe(true);
});

test('a merged pair of parents, and a grandparent, are done by a grandchild position', async () => {
  const dir = await directory([
    closed('g'),
    closed('p0', 'g'),
    closed('p1', 'g'),
    closed('m', 'p0', 'p1'),
    open('c', 'm'),
  ]);
  expect(await dir.openShards(store({ c: at('9') }))).toEqual(['c']);
});

test('a sibling without a position of its own starts at TRIM_HORIZON, also with LATEST configured', async () => {
  const dir = await directory([closed('p'), open('c1', 'p'), open('c2', 'p')], 'LATEST');
  const stored = store({ c1: at('5') });
  expect(await dir.openShards(stored)).toEqual(['c1', 'c2']);
  expect(await dir.startOf('c2', stored)).toMatchObject({ iteratorType: 'TRIM_HORIZON', origin: 'parent' });
});

test('still read: a parent with nothing stored and no child position, one leased elsewhere, one started here', async () => {
  const none = await directory([closed('p'), open('c', 'p')]);
  expect(await none.openShards(store({}))).toEqual(['p']);
  const leased = await directory([closed('p'), open('c', 'p')]);
  // Another worker reads it: it stays open (for the group to assign) and its child waits.
  expect(await leased.openShards(store({ c: at('5') }, ['p']))).toEqual(['p']);
  expect(leased.isEnded('p')).toBe(false);
  const started = await directory([closed('p'), open('c', 'p')]);
  started.markStarted('p');
  expect(await started.openShards(store({ c: at('5') }))).toEqual(['p']);
  // An open shard is never skipped.
  const openParent = await directory([open('p'), open('c', 'p')]);
  expect(await openParent.openShards(store({ c: at('5') }))).toEqual(['p']);
});

test('a closed shard not named in a sequenceNumber map whose children are named is not read', async () => {
  const shards = [closed('p'), open('c1', 'p'), open('c2', 'p')];
  const dir = new ShardDirectory(
    listing(shards),
    resolveConsumerOptions({
      streamName: 'orders',
      iteratorType: 'AFTER_SEQUENCE_NUMBER',
      // Where a loop of one's own had got to on the shards it read last.
      sequenceNumber: { c1: '15', c2: '17' },
    }),
    () => undefined,
    () => Promise.resolve(),
  );
  expect(await dir.refresh(() => true)).toBeUndefined();
  expect(await dir.openShards(store({}))).toEqual(['c1', 'c2']);
  // The children start where they were named to.
  expect(await dir.startOf('c1', store({}))).toMatchObject({
    iteratorType: 'AFTER_SEQUENCE_NUMBER',
    sequenceNumber: '15',
  });
});
