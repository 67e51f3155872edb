import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { WorkerCap } from './LeaseCoordinator.js';

/** What balancing needs to know about one lease (a LeaseState from `leaseSnapshot` fits). */
export interface BalanceLease {
  readonly shardId: string;
  /** The live owner; undefined when the lease is free or expired. */
  readonly owner?: string;
  /** A pending handoff request on the lease. */
  readonly handoff?: { readonly requester: string; readonly deadline: number };
  /** The lease was released for this worker and is reserved for it until `until`. */
  readonly reservation?: { readonly worker: string; readonly until: number };
}

export interface LeaseBalanceInput {
  /** The worker doing the planning. */
  readonly workerId: string;
  /** Shards that may be read now (open, parents finished). Leases of other shards are ignored. */
  readonly openShards: readonly string[];
  /** The stream's leases, e.g. `(await coordinator.leaseSnapshot(stream)).leases`. */
  readonly leases: readonly BalanceLease[];
  /** Workers with a live heartbeat. The planning worker and live lease owners count too. */
  readonly liveWorkers: readonly string[];
  /** The clock the leases' deadlines are on (a LeaseSnapshot's `now`). */
  readonly now: number;
  /** Most shards this worker may hold. Default: no limit. */
  readonly maxShardConsumers?: number;
  /**
   * The caps other live workers published with their heartbeat (a LeaseSnapshot's `workerCaps`).
   * A live worker not listed (an older worker, a KCL worker) has no limit. This worker's own cap
   * is `maxShardConsumers`, whatever the list says.
   */
  readonly workerCaps?: readonly WorkerCap[];
}

export interface LeaseBalancePlan {
  /** Shards this worker should hold: its share of the open shards (see `fairShares`). */
  readonly target: number;
  /** Open shards this worker holds now. */
  readonly held: readonly string[];
  /** Free, expired or reserved-for-me shards to `acquireLease`, reserved ones first. */
  readonly acquire: readonly string[];
  /**
   * Shards this worker asked for whose owner let the handoff deadline pass: `acquireLease` takes
   * them over.
   */
  readonly takeOver: readonly string[];
  /** Ask this owner to hand over this shard (`requestHandoff`); at most one request at a time. */
  readonly requestHandoff?: { readonly shardId: string; readonly owner: string };
  /**
   * Requests on this worker's leases to honour: stop reading the shard, finish the records in
   * flight, checkpoint, then `releaseLease(lease, { handoffTo: requester })`.
   */
  readonly handOver: readonly { readonly shardId: string; readonly requester: string }[];
  /** Held shards above `maxShardConsumers`: release them (no handoff). */
  readonly release: readonly string[];
  /**
   * This worker's pending requests that are no longer needed, and leases reserved for it that it
   * has no room for: `cancelHandoff` them.
   */
  readonly withdraw: readonly string[];
}

/**
 * How many shards each worker should hold: min(ceil(shards / workers), maxShardConsumers). With
 * no workers yet, the one asking counts as one.
 */
export function fairShare(openShards: number, liveWorkers: number, maxShardConsumers = Infinity): number {
  checkCount('openShards', openShards);
  checkCount('liveWorkers', liveWorkers);
  checkMax(maxShardConsumers);
  if (openShards === 0) return 0;
  return Math.min(Math.ceil(openShards / Math.max(1, liveWorkers)), maxShardConsumers);
}

/**
 * Each worker's share of `openShards` when worker i holds at most `caps[i]` (Infinity: no
 * limit), by water-filling: a worker whose cap is below the level the others reach gets its cap,
 * and what is left is spread evenly (rounded up) over the rest. With 9 shards and caps
 * 1 / Infinity / Infinity the shares are 1 / 4 / 4; with 8 shards and caps 1 / 2 / Infinity,
 * 1 / 2 / 5. The shares add up to at least min(openShards, sum of caps). Without caps this is
 * `fairShare` for everyone.
 */
export function fairShares(openShards: number, caps: readonly number[]): number[] {
  checkCount('openShards', openShards);
  caps.forEach(checkMax);
  const shares: number[] = caps.map(() => 0);
  if (openShards === 0) return shares;
  // Smallest cap first (Infinity last; Infinity - Infinity would be NaN, so no subtraction).
  const byCap = caps
    .map((cap, index) => ({ cap, index }))
    .sort((a, b) => (a.cap < b.cap ? -1 : a.cap > b.cap ? 1 : a.index - b.index));
  let left = openShards;
  let unfilled = caps.length;
  let level: number | undefined;
  for (const { cap, index } of byCap) {
    if (level === undefined && cap * unfilled <= left) {
      // At or below the level the others would reach: filled to its cap.
      shares[index] = cap;
      left -= cap;
      unfilled -= 1;
    } else {
      level ??= Math.ceil(left / unfilled);
      shares[index] = Math.min(cap, level);
    }
  }
  return shares;
}

/**
 * Decides, from one snapshot, what a worker should do to even out the shards among the live
 * workers. Pure and deterministic; every worker runs it with its own id.
 *
 * The target is this worker's share by `fairShares` over every worker (live, this one, and live
 * lease owners), each with its cap: this worker's `maxShardConsumers`, a live worker's published
 * cap; no limit for a worker that published none (an older worker) and for an owner without a
 * heartbeat (a KCL worker, or one that is gone until its leases run out). So a worker capped at 1
 * among two unlimited ones on 9 shards leaves them 4 each, and no shard unread.
 *
 * 1. Hold at most `maxShardConsumers`: release the excess.
 * 2. Honour a handoff request when this worker holds at least 2 more shards than the requester
 *    (a move that narrows the gap and cannot bounce back), and the requester is below its cap.
 * 3. Below target: acquire free or expired shards (those reserved for this worker first; never
 *    one reserved for another worker), then take over shards whose handoff deadline passed,
 *    then - with no request of its own pending - ask the busiest owner for one shard, if that
 *    owner holds at least 2 more than this worker would.
 * 4. Withdraw its own requests that are no longer needed (at target, or the gap closed), and the
 *    reservations for it that it has no room for.
 *
 * The "at least 2 more" rule is what `fairShare`'s ceiling needs to converge: with 4 shards over
 * 3 workers the target is 2, and 2-2-0 has nobody above target, yet the idle worker gets a shard
 * (2-1-1), while 2-1-1 stays put.
 */
export function planLeaseBalance(input: LeaseBalanceInput): LeaseBalancePlan {
  const { workerId, now } = input;
  if (typeof workerId !== 'string' || workerId.length === 0)
    throw new InvalidOptionError('workerId', workerId, 'must be a non-empty string');
  if (typeof now !== 'number' || !Number.isFinite(now))
    throw new InvalidOptionError('now', now, 'must be epoch milliseconds (a LeaseSnapshot `now`)');
  const max = input.maxShardConsumers ?? Infinity;
  checkMax(max);

  const open = [...new Set(input.openShards)].sort(compareText);
  const byShard = new Map(input.leases.map((lease) => [lease.shardId, lease]));
  const owned = new Map<string, string[]>();
  for (const shardId of open) {
    const owner = byShard.get(shardId)?.owner;
    if (owner !== undefined) owned.set(owner, [...(owned.get(owner) ?? []), shardId]);
  }
  const count = (worker: string) => owned.get(worker)?.length ?? 0;
  const live = new Set(input.liveWorkers);
  const published = publishedCaps(input.workerCaps, live);
  const workers = [...new Set([...input.liveWorkers, workerId, ...owned.keys()])];
  // A live worker takes up to its published cap. An owner without a heartbeat may be a KCL worker
  // sharing the lease table (alive, balancing by its own rules) or one that is gone (its leases
  // run out within a lease duration, and it stops counting): either way it counts as unlimited.
  const capOf = (worker: string): number => (worker === workerId ? max : (published.get(worker) ?? Infinity));
  const caps = new Map(workers.map((worker) => [worker, capOf(worker)]));
  const target = fairShares(
    open.length,
    workers.map((worker) => caps.get(worker) ?? Infinity),
  )[workers.indexOf(workerId)] as number;

  const held = owned.get(workerId) ?? [];
  const release = held.length > max ? held.slice(max) : [];
  let mine = held.length - release.length;

  const handOver: { shardId: string; requester: string }[] = [];
  const requesterGains = new Map<string, number>();
  for (const shardId of held.slice(0, held.length - release.length)) {
    const requester = byShard.get(shardId)?.handoff?.requester;
    if (requester === undefined || requester === workerId || !live.has(requester)) continue;
    const theirs = count(requester) + (requesterGains.get(requester) ?? 0);
    if (mine >= theirs + 2 && theirs < (caps.get(requester) ?? Infinity)) {
      handOver.push({ shardId, requester });
      requesterGains.set(requester, (requesterGains.get(requester) ?? 0) + 1);
      mine -= 1;
    }
  }

  const acquire: string[] = [];
  const takeOver: string[] = [];
  const withdraw: string[] = [];
  let requestHandoff: LeaseBalancePlan['requestHandoff'];
  const myRequests = open.filter((shardId) => {
    const lease = byShard.get(shardId);
    return lease?.owner !== undefined && lease.owner !== workerId && lease.handoff?.requester === workerId;
  });
  // Leases released for this worker: it takes them first; those it has no room for (its share fell
  // since it asked: more workers, a lower cap) are withdrawn, or nobody would read them until the
  // reservation ran out.
  const reservedForMe = open.filter(
    (shardId) =>
      byShard.get(shardId)?.owner === undefined && isReservedFor(byShard.get(shardId), workerId, now),
  );
  if (mine >= target) withdraw.push(...myRequests, ...reservedForMe);
  else {
    const free = open.filter((shardId) => byShard.get(shardId)?.owner === undefined);
    const unreserved = free.filter((shardId) => !isReserved(byShard.get(shardId), now));
    for (const shardId of reservedForMe) {
      if (mine < target) {
        acquire.push(shardId);
        mine += 1;
      } else withdraw.push(shardId);
    }
    for (const shardId of unreserved) {
      if (mine >= target) break;
      acquire.push(shardId);
      mine += 1;
    }

    const ownerLosses = new Map<string, number>();
    for (const shardId of myRequests) {
      const lease = byShard.get(shardId);
      const owner = lease?.owner;
      if (
        mine >= target ||
        owner === undefined ||
        lease?.handoff === undefined ||
        lease.handoff.deadline > now
      )
        continue;
      const theirs = count(owner) - (ownerLosses.get(owner) ?? 0);
      if (theirs >= mine + 2) {
        takeOver.push(shardId);
        ownerLosses.set(owner, (ownerLosses.get(owner) ?? 0) + 1);
        mine += 1;
      } else withdraw.push(shardId);
    }
    if (mine >= target)
      for (const shardId of myRequests)
        if (!takeOver.includes(shardId) && !withdraw.includes(shardId)) withdraw.push(shardId);

    if (mine < target && myRequests.length === takeOver.length + withdraw.length) {
      const victims = [...owned.keys()]
        .filter((owner) => owner !== workerId)
        .map((owner) => ({ owner, count: count(owner) - (ownerLosses.get(owner) ?? 0) }))
        .sort((a, b) => b.count - a.count || compareText(a.owner, b.owner));
      const victim = victims[0];
      if (victim !== undefined && victim.count >= mine + 2) {
        const shardId = (owned.get(victim.owner) ?? []).find(
          (id) => byShard.get(id)?.handoff === undefined && !takeOver.includes(id),
        );
        if (shardId !== undefined) requestHandoff = { shardId, owner: victim.owner };
      }
    }
  }

  return {
    target,
    held,
    acquire,
    takeOver,
    ...(requestHandoff !== undefined ? { requestHandoff } : {}),
    handOver,
    release,
    withdraw,
  };
}

/**
 * The caps of live workers by worker id; an entry of a worker not live, or that is no cap (not an
 * integer >= 1), is ignored.
 */
function publishedCaps(
  workerCaps: readonly WorkerCap[] | undefined,
  live: ReadonlySet<string>,
): Map<string, number> {
  const caps = new Map<string, number>();
  for (const entry of workerCaps ?? []) {
    const cap = entry.maxShardConsumers;
    if (live.has(entry.workerId) && Number.isSafeInteger(cap) && cap >= 1) caps.set(entry.workerId, cap);
  }
  return caps;
}

function isReserved(lease: BalanceLease | undefined, now: number): boolean {
  return lease?.reservation !== undefined && lease.reservation.until > now;
}

function isReservedFor(lease: BalanceLease | undefined, worker: string, now: number): boolean {
  return isReserved(lease, now) && lease?.reservation?.worker === worker;
}

function checkCount(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new InvalidOptionError(option, value, 'must be a count: an integer >= 0');
}

function checkMax(value: unknown): void {
  if (typeof value !== 'number' || !(value === Infinity || (Number.isSafeInteger(value) && value > 0)))
    throw new InvalidOptionError(
      'maxShardConsumers',
      value,
      'must be an integer >= 1, or Infinity (no limit)',
    );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
