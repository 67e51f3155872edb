import {
  ListShardsCommand,
  type KinesisClient,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { createHash, hash } from '../platform/crypto.js';
import { MAX_HASH_KEY, parseExplicitHashKey } from '../kinesis/hashKey.js';
import { ShardMap } from '../kinesis/ShardMap.js';
import { describeThrown } from '../errors/describeThrown.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';
import { DefaultKeyPool } from './DefaultKeyPool.js';
import type { ProducerCalls } from './ProducerCalls.js';

/** Lane id of records whose hash key no known open shard covers (the map is being reloaded). */
export const UNASSIGNED_SHARD = 'unassigned';

/** MD5 of a string's UTF-8 bytes as 32 lowercase hex digits (one-shot where Node has it). */
const md5Hex: (text: string) => string =
  typeof hash === 'function'
    ? (text) => hash('md5', text, 'hex')
    : (text) => createHash('md5').update(text, 'utf8').digest('hex');

/** A 128-bit hash key as 32 lowercase hex digits: such strings sort as the numbers do. */
const hex32 = (value: bigint): string => value.toString(16).padStart(32, '0');

/**
 * The open shards' ranges as sorted 32-digit hex strings, so a partition key's MD5 (as hex) is
 * placed by string comparison alone: no bigint per record.
 */
interface HexRanges {
  readonly starts: readonly string[];
  readonly ends: readonly string[];
  readonly shardIds: readonly string[];
  /** The one shard covering every hash key, if the stream has exactly that. */
  readonly whole: string | undefined;
}

/** The parents of each listed shard that has any, by shard id. */
function parentsOf(shards: readonly Shard[]): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const shard of shards) {
    const ids = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
    if (shard.ShardId !== undefined && ids.length > 0) parents.set(shard.ShardId, ids);
  }
  return parents;
}

/**
 * The shards that are open as far as the listing can tell: a shard named as the parent of a listed
 * shard is closed whatever its own entry says (a split or merge closes the parents as it opens the
 * children). A listing read over several pages while the stream is resharded can show a parent,
 * on a page read before, as open beside its children: its hash keys would be placed twice.
 */
function withoutParents(
  shards: readonly Shard[],
  parents: ReadonlyMap<string, readonly string[]>,
): readonly Shard[] {
  const closed = new Set<string>();
  for (const ids of parents.values()) for (const id of ids) closed.add(id);
  return closed.size === 0
    ? shards
    : shards.filter((shard) => shard.ShardId === undefined || !closed.has(shard.ShardId));
}

/** A ListShards answer the producer cannot read, as the server fault it is (retriable). */
function malformedAnswer(message: string): Error {
  return Object.assign(new Error(message), { name: 'InternalFailure' });
}

function hexRanges(map: ShardMap): HexRanges {
  const { ranges } = map;
  const only = ranges.length === 1 ? ranges[0] : undefined;
  return {
    starts: ranges.map((range) => hex32(range.startingHashKey)),
    ends: ranges.map((range) => hex32(range.endingHashKey)),
    shardIds: ranges.map((range) => range.shardId),
    whole:
      only !== undefined && only.startingHashKey === 0n && only.endingHashKey === MAX_HASH_KEY
        ? only.shardId
        : undefined,
  };
}

/**
 * Predicts the shard of each record as Kinesis will choose it (MD5 of the partition key, or the
 * ExplicitHashKey, against the open shards' hash-key ranges) and reloads the map with ListShards
 * when asked (first use, a resharding seen in a PutRecords answer, or when it is older than the
 * refresh interval).
 *
 * ListShards pages are chained with then() and never awaited, so a client whose send() answers
 * on an RxJS scheduler keeps the whole producer in that scheduler's (virtual) time.
 */
export class ShardPredictor {
  private map: ShardMap | undefined;
  private ranges: HexRanges | undefined;
  private lastKey: string | undefined;
  private lastShard = UNASSIGNED_SHARD;
  private nextShard = 0;
  /** Default keys placed under the current map (made at first use, dropped when the map reloads). */
  private pool: DefaultKeyPool | undefined;
  /** Ids of the shards the last listing showed, open and closed. */
  private listed: ReadonlySet<string> = new Set();
  /** Ids of the open shards of the current map. */
  private open: ReadonlySet<string> = new Set();
  /** The parents of each shard the last listing showed with any (a split's or a merge's). */
  private parents: ReadonlyMap<string, readonly string[]> = new Map();
  /** Shard listings started so far, and the number of the one that gave the current map. */
  private listings = 0;
  private loadingListing = 0;
  private loadedListing = 0;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading = false;
  private waiters: Array<(error: unknown) => void> = [];

  constructor(
    private readonly client: KinesisClient,
    private readonly address: StreamAddress,
    private readonly now: () => number,
    private readonly refreshIntervalMs: number,
    private readonly calls: ProducerCalls,
  ) {}

  get ready(): boolean {
    return this.map !== undefined;
  }

  /** Open shards in the current map (0 before the first load). */
  get shardCount(): number {
    return this.map?.size ?? 0;
  }

  /** Whether the current map holds `shardId` as an open shard. */
  isOpen(shardId: string): boolean {
    return this.open.has(shardId);
  }

  /** How many shard listings were started so far (each load is one, however many pages). */
  get listingsStarted(): number {
    return this.listings;
  }

  /** The number of the listing that gave the current map (see listingsStarted), 0 before one. */
  get listing(): number {
    return this.loadedListing;
  }

  /** The parents of `shardId` (ParentShardId, AdjacentParentShardId) as the last listing showed them. */
  parentsOf(shardId: string): readonly string[] {
    return this.parents.get(shardId) ?? [];
  }

  /** Whether the last listing showed `shardId`, open or closed (not yet trimmed). */
  isListed(shardId: string): boolean {
    return this.listed.has(shardId);
  }

  /** True when the map is older than the refresh interval. */
  get stale(): boolean {
    return this.now() - this.loadedAt >= this.refreshIntervalMs;
  }

  /**
   * Id of the shard the record will land in (UNASSIGNED_SHARD if no open shard covers it).
   * Repeated keys (one fixed key, runs of one key) reuse the previous answer.
   */
  predict(partitionKey: string, explicitHashKey?: string): string {
    const ranges = this.ranges;
    if (ranges === undefined) return UNASSIGNED_SHARD;
    if (ranges.whole !== undefined) return ranges.whole;
    if (explicitHashKey !== undefined) return this.find(ranges, hex32(parseExplicitHashKey(explicitHashKey)));
    if (partitionKey === this.lastKey) return this.lastShard;
    const shard = this.find(ranges, md5Hex(partitionKey));
    this.lastKey = partitionKey;
    this.lastShard = shard;
    return shard;
  }

  /**
   * A default partition key for an item of its own record: a random key from a pool whose shards
   * are known, for the next shard in turn (see DefaultKeyPool). `draw` makes a random key; it is
   * used as is before the first map and when the stream has one shard.
   */
  defaultKey(draw: () => string): string {
    const ranges = this.ranges;
    if (ranges === undefined || ranges.whole !== undefined) return draw();
    let pool = this.pool;
    if (pool === undefined) {
      pool = new DefaultKeyPool(ranges.shardIds, (key) => this.find(ranges, md5Hex(key)), draw);
      this.pool = pool;
    }
    return pool.empty ? draw() : pool.take();
  }

  /** As predict(), for a key made by defaultKey(): a pooled key's shard is known already. */
  predictDefault(partitionKey: string): string {
    return this.pool?.shardOf(partitionKey) ?? this.predict(partitionKey);
  }

  /**
   * A random partition key for the next shard in turn (keys are drawn until one lands there, at
   * most 20 draws per shard; the last draw is used if none did), so that runs of items keyed
   * one after another spread evenly over the shards instead of by chance.
   */
  keyForNextShard(draw: () => string): string {
    const ranges = this.ranges;
    const count = ranges?.shardIds.length ?? 0;
    let key = draw();
    if (ranges === undefined || count < 2) return key;
    const target = ranges.shardIds[this.nextShard % count]!;
    this.nextShard += 1;
    for (let tries = 1; tries < 20 * count && this.find(ranges, md5Hex(key)) !== target; tries += 1)
      key = draw();
    return key;
  }

  private find(ranges: HexRanges, hashHex: string): string {
    const { starts, ends } = ranges;
    let low = 0;
    let high = starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (hashHex < starts[middle]!) high = middle - 1;
      else if (hashHex > ends[middle]!) low = middle + 1;
      else return ranges.shardIds[middle]!;
    }
    return UNASSIGNED_SHARD;
  }

  /**
   * Loads the map. Calls `done` with undefined on success or with the error of the failed
   * ListShards call. Calls made while a load is running share that load.
   */
  load(done: (error: unknown) => void): void {
    this.waiters.push(done);
    if (this.loading) return;
    this.loading = true;
    this.listings += 1;
    this.loadingListing = this.listings;
    this.fetchPage(undefined, []);
  }

  private fetchPage(nextToken: string | undefined, shards: Shard[]): void {
    const input: ListShardsCommandInput =
      nextToken === undefined ? { ...streamParams(this.address) } : { NextToken: nextToken };
    const { calls } = this;
    calls.call<{ Shards?: Shard[]; NextToken?: string }>(
      (abortSignal) => this.client.send(new ListShardsCommand(input), { abortSignal }),
      () =>
        new RequestTimeoutError(`ListShards got no answer within ${calls.deadline?.ms} ms`, {
          context: { streamName: this.address.streamName },
        }),
      (page) => {
        // An answer that is no ListShards page (a client of the caller's own answering nothing,
        // or a shard whose hash key range is not a number) fails the load as a server fault.
        const listed: unknown = (page as { Shards?: unknown } | undefined)?.Shards;
        if (!Array.isArray(listed)) {
          this.finish(malformedAnswer('ListShards answered without a shard list'));
          return;
        }
        shards.push(...(listed as Shard[]));
        const { NextToken } = page;
        if (NextToken !== undefined && NextToken !== '') {
          this.fetchPage(NextToken, shards);
          return;
        }
        const parents = parentsOf(shards);
        let map: ShardMap;
        try {
          map = ShardMap.fromShards(withoutParents(shards, parents));
        } catch (error) {
          this.finish(
            malformedAnswer(`ListShards answered shards that cannot be read: ${describeThrown(error)}`),
          );
          return;
        }
        this.map = map;
        this.ranges = hexRanges(this.map);
        this.open = new Set(this.ranges.shardIds);
        this.listed = new Set(
          shards.flatMap((shard) => (shard.ShardId === undefined ? [] : [shard.ShardId])),
        );
        this.parents = parents;
        this.lastKey = undefined;
        this.pool = undefined;
        this.loadedAt = this.now();
        this.loadedListing = this.loadingListing;
        this.finish(undefined);
      },
      (error: unknown) => this.finish(error),
    );
  }

  private finish(error: unknown): void {
    this.loading = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(error);
  }
}
