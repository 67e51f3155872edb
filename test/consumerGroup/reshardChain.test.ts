// Worker processes read a stream while it is resharded 2 -> 4 -> 3 -> 6 -> 3 -> 2 -> 1 -> 2 shards
// (UpdateShardCount, MergeShards, SplitShard) under a steady feed of records of a few partition
// keys, while workers die, join, restart and stop, the lease store goes away or throttles, and
// Kinesis injects faults. After each step the open shards are spread evenly and every record so far
// was processed; at the end each key's values were processed in order (a lower value only as the
// start of a re-read), no child shard's record before the last of its parents, and every closed
// shard is stored as read to its end.
import {
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  PutRecordsCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  startDynamoDBFaultProxy,
  throttled,
  type DynamoDBFaultProxy,
} from '../support/dynamodbFaultProxy.js';
import { startTestDynamoDB, type TestDynamoDB } from '../support/dynamodb.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { waitActive as waitStreamActive } from '../support/streamRecords.js';
import { describeHoldings, holdings } from './deliveryReport.js';
import { startGroupFixture, type GroupFixture, type GroupFixtureOptions } from './groupFixture.js';
import { WorkerGroup, waitUntil, type ProcessedItem } from './workerGroup.js';

const KEYS = 12;
const VALUE_SPAN = 1_000_000;
/**
 * The workers' session. Order and lineage hold only while no lease runs out under a live worker
 * (one that does may still hand over records it held when a successor has read on): on a loaded
 * 2-core machine the stores and Kinesis, which share the test's process, can stall for seconds.
 */
const SESSION_MS = 10_000;
/** Long enough for the waits of a chain: seven steps, each with takeovers of a session or two. */
const CHAIN_TEST_MS = 900_000;

let redis: TestRedis | undefined;
let fixture: GroupFixture | undefined;
let dynamo: TestDynamoDB | undefined;
let proxy: DynamoDBFaultProxy | undefined;
let feed: KeyedFeed | undefined;
let closeOther: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeOther?.();
  closeOther = undefined;
  await feed?.stop();
  feed = undefined;
  await fixture?.close();
  fixture = undefined;
  await redis?.close();
  redis = undefined;
  proxy?.resume();
  await proxy?.close();
  proxy = undefined;
  await dynamo?.close();
  dynamo = undefined;
});

interface KeyedRecord {
  readonly key: number;
  readonly value: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** Puts one record per key, each key's value one higher than its last (ids encode both). */
class KeyedFeed {
  readonly produced: KeyedRecord[] = [];
  private next = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  async putRound(): Promise<void> {
    const value = this.next++;
    // One key at a time in each call keeps a key's records in order even when an entry fails.
    const entries = Array.from({ length: KEYS }, (_, key) => key);
    let pending = entries;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 50) throw new Error('PutRecords kept failing');
      const output = await retried(() =>
        this.client.send(
          new PutRecordsCommand({
            StreamName: this.streamName,
            Records: pending.map((key) => ({
              PartitionKey: `key-${key}`,
              Data: Buffer.from(JSON.stringify({ id: key * VALUE_SPAN + value })),
            })),
          }),
        ),
      );
      const failed: number[] = [];
      (output.Records ?? []).forEach((entry, index) => {
        const key = pending[index] as number;
        if (entry.ErrorCode !== undefined || entry.SequenceNumber === undefined) failed.push(key);
        else
          this.produced.push({
            key,
            value,
            shardId: entry.ShardId ?? '',
            sequenceNumber: entry.SequenceNumber,
          });
      });
      pending = failed;
    }
  }

  start(everyMs: number): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.putRound();
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Calls `call` again on an error (the test's own calls meet the injected faults too). */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt > 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const listShards = (client: KinesisClient, streamName: string) =>
  retried(() => listShardsOnce(client, streamName));
const waitActive = (client: KinesisClient, streamName: string) =>
  retried(() => waitStreamActive(client, streamName));

async function listShardsOnce(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      token === undefined
        ? new ListShardsCommand({ StreamName: streamName })
        : new ListShardsCommand({ NextToken: token }),
    );
    shards.push(...(out.Shards ?? []));
    token = out.NextToken;
  } while (token !== undefined);
  return shards;
}

const isOpen = (shard: Shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined;

/**
 * Order problems: in the order the reports were sent, each key's next value is at most one above
 * the last (a lower or equal value starts a re-read of a suffix); a jump ahead means a value read
 * out of order or one skipped.
 */
function orderProblems(processed: readonly ProcessedItem[]): string[] {
  const problems: string[] = [];
  const byKey = new Map<number, ProcessedItem[]>();
  for (const item of processed) {
    const key = Math.floor(item.id / VALUE_SPAN);
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  for (const [key, items] of byKey) {
    const sorted = [...items].sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
    let last = -1;
    let lastItem: ProcessedItem | undefined;
    for (const item of sorted) {
      const value = item.id % VALUE_SPAN;
      if (value > last + 1)
        problems.push(
          `key ${key}: ${value} by ${item.workerId} on ${item.shardId} after ${last} by ${lastItem?.workerId} on ${lastItem?.shardId}`,
        );
      last = value;
      lastItem = item;
    }
  }
  return problems.slice(0, 20);
}

interface ChainHooks {
  /** The test deletes finished parents' leases (the closed shards need not stay stored). */
  readonly parentsDeleted?: boolean;
  /** A second application (consumer group) with two workers reads the same stream. */
  readonly secondGroup?: boolean;
  /** maxShardConsumers of some workers. */
  readonly caps?: ReadonlyMap<string, number>;
  /** Right after the reshard of step `index` was asked for (before the stream is ACTIVE again). */
  readonly afterReshard?: (index: number, fixture: GroupFixture) => Promise<void>;
}

async function runChain(fixtureOf: () => Promise<GroupFixture>, hooks: ChainHooks = {}): Promise<void> {
  fixture = await fixtureOf();
  const current = fixture;
  const { client, streamName, group, leases } = current;
  const keyed = new KeyedFeed(client, streamName);
  feed = keyed;
  const other =
    hooks.secondGroup === true
      ? new WorkerGroup({ ...group.config, group: 'second-application' })
      : undefined;
  if (other !== undefined) {
    closeOther = () => other.killAll();
    await other.start('o1');
    await other.start('o2');
  }
  const caps = hooks.caps ?? new Map<string, number>();
  for (const worker of ['w1', 'w2', 'w3']) {
    const cap = caps.get(worker);
    await group.start(worker, 30_000, worker, cap === undefined ? {} : { maxShardConsumers: cap });
  }
  keyed.start(150);

  const notRead = () => {
    const seen = new Set(group.processed.map((item) => `${item.shardId}/${item.sequenceNumber}`));
    return keyed.produced.filter((record) => !seen.has(`${record.shardId}/${record.sequenceNumber}`));
  };
  const allRead = async (label: string) =>
    waitUntil(
      () => notRead().length === 0,
      90_000,
      () => `${label}: ${notRead().length} not processed`,
    );
  const balanced = async (label: string) => {
    await waitUntil(
      async () => {
        const open = (await listShards(client, streamName)).filter(isOpen).map((shard) => shard.ShardId);
        const snapshot = await leases.look().catch(() => undefined);
        if (snapshot === undefined) return false;
        const held = holdings(snapshot);
        const count = (worker: string) =>
          (held.get(worker) ?? []).filter((shard) => open.includes(shard)).length;
        const total = group.aliveWorkers.reduce((sum, worker) => sum + count(worker), 0);
        if (group.aliveWorkers.some((worker) => count(worker) > (caps.get(worker) ?? Infinity))) return false;
        // Capped workers at their cap or the fair share; the others within one of each other.
        const free = group.aliveWorkers.filter(
          (worker) => !caps.has(worker) || count(worker) < (caps.get(worker) ?? 0),
        );
        const counts = free.map(count);
        return (
          total === open.length && (counts.length === 0 || Math.max(...counts) - Math.min(...counts) <= 1)
        );
      },
      90_000,
      () => `${label}: not balanced: ${describeHoldings(leases.last)}`,
    );
  };
  const sortedOpen = async () =>
    (await listShards(client, streamName))
      .filter(isOpen)
      .sort((a, b) =>
        BigInt(a.HashKeyRange?.StartingHashKey ?? '0') < BigInt(b.HashKeyRange?.StartingHashKey ?? '0')
          ? -1
          : 1,
      );
  const mergeFirstTwo = async () => {
    const open = await sortedOpen();
    await client.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: open[0]?.ShardId,
        AdjacentShardToMerge: open[1]?.ShardId,
      }),
    );
  };
  const scaleTo = async (target: number) => {
    await client.send(
      new UpdateShardCountCommand({
        StreamName: streamName,
        TargetShardCount: target,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
  };
  const steps: [string, () => Promise<void>][] = [
    ['2 -> 4', () => scaleTo(4)],
    ['4 -> 3', mergeFirstTwo],
    ['3 -> 6', () => scaleTo(6)],
    ['6 -> 3', () => scaleTo(3)],
    ['3 -> 2', () => scaleTo(2)],
    ['2 -> 1', mergeFirstTwo],
    [
      '1 -> 2 (split)',
      async () => {
        const open = await sortedOpen();
        await client.send(
          new SplitShardCommand({
            StreamName: streamName,
            ShardToSplit: open[0]?.ShardId,
            NewStartingHashKey: (2n ** 127n).toString(),
          }),
        );
      },
    ],
  ];

  await balanced('start');
  for (const [index, [label, reshard]] of steps.entries()) {
    const before = (await listShards(client, streamName)).filter(isOpen).length;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await reshard();
        break;
      } catch (error) {
        // Under injected faults a reshard whose answer was lost may have happened.
        await waitActive(client, streamName);
        if ((await listShards(client, streamName)).filter(isOpen).length !== before) break;
        if (attempt > 5) throw error;
      }
    }
    await hooks.afterReshard?.(index, current);
    await waitActive(client, streamName);
    const after = (await listShards(client, streamName)).filter(isOpen).length;
    expect(`${label}: ${after}`).toBe(`${label}: ${/-> (\d+)/.exec(label)?.[1]}`);
    await balanced(label);
    await allRead(label);
  }
  await keyed.stop();
  await allRead('end');

  // Parents before children: no record of a child reported before the last of each parent.
  const shards = await listShards(client, streamName);
  const lastSent = new Map<string, number>();
  const firstSent = new Map<string, number>();
  for (const item of group.processed) {
    lastSent.set(item.shardId, Math.max(lastSent.get(item.shardId) ?? 0, item.sentAt));
    firstSent.set(item.shardId, Math.min(firstSent.get(item.shardId) ?? Infinity, item.sentAt));
  }
  const lineage: string[] = [];
  for (const shard of shards) {
    for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
      if (parent === undefined || shard.ShardId === undefined) continue;
      const child = firstSent.get(shard.ShardId);
      const parentEnd = lastSent.get(parent);
      if (child !== undefined && parentEnd !== undefined && child < parentEnd)
        lineage.push(`${shard.ShardId} read at ${child} before ${parent} ended at ${parentEnd}`);
    }
  }
  // Every closed shard is stored as read to its end, and stays so.
  const notEnded: string[] = [];
  for (const shard of shards)
    if (!isOpen(shard) && shard.ShardId !== undefined) {
      const stored = await retried(() => current.observer.getCheckpoint(streamName, shard.ShardId as string));
      if (stored?.kind !== 'shard-end') notEnded.push(`${shard.ShardId}: ${JSON.stringify(stored)}`);
    }
  if (hooks.parentsDeleted !== true) expect(notEnded).toEqual([]);
  if (other !== undefined) {
    const otherMissing = () => {
      const seen = new Set(other.processed.map((item) => `${item.shardId}/${item.sequenceNumber}`));
      return keyed.produced.filter((record) => !seen.has(`${record.shardId}/${record.sequenceNumber}`));
    };
    await waitUntil(
      () => otherMissing().length === 0,
      60_000,
      () => `second group: ${otherMissing().length} not processed`,
    );
    expect(orderProblems(other.processed)).toEqual([]);
    expect(other.failures).toEqual([]);
  }
  expect(lineage).toEqual([]);
  expect(orderProblems(group.processed)).toEqual([]);
  expect(group.failures).toEqual([]);
}

/** Kills (SIGKILL) a worker holding a shard that is no longer open (a parent of the reshard). */
async function killParentHolder(current: GroupFixture): Promise<string | undefined> {
  await waitActive(current.client, current.streamName);
  const open = new Set(
    (await listShards(current.client, current.streamName)).filter(isOpen).map((s) => s.ShardId),
  );
  const snapshot = await current.leases.look();
  const holder = snapshot.leases.find(
    (lease) => lease.owner !== undefined && !open.has(lease.shardId),
  )?.owner;
  if (holder !== undefined && current.group.aliveWorkers.includes(holder))
    await current.group.stop(holder, 'SIGKILL');
  return holder;
}

const redisGroup = (url: string, options: GroupFixtureOptions = {}) =>
  startGroupFixture(url, 2, {
    checkpointBatchSize: 5,
    checkpointIntervalMs: 200,
    sessionTimeoutMs: SESSION_MS,
    ...options,
  });

describe('consumer group: three processes while the stream goes 2 -> 4 -> 3 -> 6 -> 3 -> 2 -> 1 -> 2 shards', () => {
  it(
    'a parent holder killed, a worker joining mid-reshard, all killed and restarted at once; a second application reads alongside',
    async () => {
      redis = await startTestRedis();
      const url = redis.url;
      let joined = 0;
      await runChain(() => redisGroup(url), {
        secondGroup: true,
        afterReshard: async (index, current) => {
          const { group } = current;
          if (index === 0 || index === 3) {
            if ((await killParentHolder(current)) !== undefined) await group.start(`j${(joined += 1)}`);
          } else if (index === 2) {
            await group.start(`j${(joined += 1)}`);
          } else if (index === 4) {
            const workers = group.aliveWorkers;
            await Promise.all(workers.map((worker) => group.stop(worker, 'SIGKILL')));
            await Promise.all(workers.map((worker) => group.start(`${worker}r`)));
          }
        },
      });
    },
    CHAIN_TEST_MS,
  );

  it(
    'with Kinesis limits and injected faults, one worker capped at one shard',
    async () => {
      redis = await startTestRedis();
      const url = redis.url;
      await runChain(
        () =>
          redisGroup(url, {
            kinesis: {
              limits: true,
              faults: {
                serverErrorRate: 0.05,
                connectionResetRate: 0.03,
                resetAfterWriteRate: 0.02,
                seed: 7,
              },
            },
          }),
        { caps: new Map([['w1', 1]]) },
      );
    },
    CHAIN_TEST_MS,
  );

  it(
    'on a DynamoDB lease table that is unreachable for 4 s twice and throttles once, mid-reshard',
    async () => {
      dynamo = await startTestDynamoDB();
      const faults = await startDynamoDBFaultProxy(dynamo.endpoint);
      proxy = faults;
      await runChain(() => redisGroup('unused', { dynamodbEndpoint: faults.endpoint }), {
        afterReshard: async (index) => {
          if (index === 1 || index === 4) {
            faults.pause();
            await new Promise((resolve) => setTimeout(resolve, 4000));
            faults.resume();
          } else if (index === 3) {
            for (const operation of ['UpdateItem', 'GetItem', 'Scan', 'PutItem', 'DeleteItem'])
              faults.inject(operation, throttled, 40);
          }
        },
      });
    },
    CHAIN_TEST_MS,
  );

  it(
    'on DynamoDB with a rolling restart at every step, finished parents deleted as the KCL deletes them: nothing read twice',
    async () => {
      dynamo = await startTestDynamoDB();
      const table = dynamo;
      const ddb = table.createClient();
      let started = 0;
      let current: GroupFixture | undefined;
      let deleted = 0;
      await runChain(
        async () => (current = await redisGroup('unused', { dynamodbEndpoint: table.endpoint })),
        {
          parentsDeleted: true,
          afterReshard: async (_index, now) => {
            // The KCL's cleanup: a SHARD_END lease whose children all have a position of their own goes.
            const tableName = now.group.config.dynamodb?.tableName ?? '';
            const items =
              (await ddb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
            const byKey = new Map(items.map((item) => [item.leaseKey?.S ?? '', item]));
            for (const item of items) {
              const children = item.childShardIds?.SS ?? [];
              if (item.checkpoint?.S !== 'SHARD_END' || children.length === 0) continue;
              if (!children.every((child) => /^[0-9]+$/.test(byKey.get(child)?.checkpoint?.S ?? '')))
                continue;
              await ddb.send(
                new DeleteItemCommand({
                  TableName: tableName,
                  Key: { leaseKey: { S: item.leaseKey?.S ?? '' } },
                }),
              );
              deleted += 1;
            }
            const leaver = now.group.aliveWorkers[0];
            if (leaver !== undefined) await now.group.stop(leaver, 'SIGTERM');
            await now.group.start(`r${(started += 1)}`);
          },
        },
      );
      expect(deleted).toBeGreaterThan(0);
      const group = (current as GroupFixture).group;
      // A graceful stop hands every lease over drained; only a lease that ran out (a stalled
      // machine) may let a record be read again.
      if (group.eventsOf('lease-lost').length === 0) {
        const reports = new Map<string, number>();
        for (const item of group.processed) {
          const key = `${item.shardId}/${item.sequenceNumber}`;
          reports.set(key, (reports.get(key) ?? 0) + 1);
        }
        expect([...reports].filter(([, count]) => count > 1)).toEqual([]);
      }
    },
    CHAIN_TEST_MS,
  );
});
