import { randomUUID } from 'node:crypto';
import type { Lease, LeaseInfo, ShardCheckpoint } from '../Checkpointer.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import type { Logger } from '../../logging/Logger.js';
import { writeLog } from '../../logging/writeLog.js';
import {
  checkpointOf,
  holdsKclPosition,
  leaseCounterOf,
  leaseOwnerOf,
  lineageOf,
  type LeaseItem,
} from './kclLeaseItem.js';
import { leaseKeyOf } from './leaseKeyOf.js';
import { TAKE_TOKEN } from './leaseTake.js';
import { holdsLeaseItemUpdate } from './holdsLeaseItemUpdate.js';
import type { LeaseItemStore, LeaseItemUpdate } from './LeaseItemStore.js';
import type { LeaseObservations } from './LeaseObservations.js';

/** A lease this process holds: the counter it last wrote, and the position stored through it. */
export interface HeldLease {
  readonly token: string;
  readonly owner: string;
  counter: number;
  expiresAt: number;
  checkpoint: ShardCheckpoint | undefined;
  /** Whether the KCL's own checkpoint attribute holds a sequence number (see positionUpdate). */
  kclPositioned: boolean;
  /** A write through the lease failed: it may have landed, and the next one reads the item first. */
  unsettled?: boolean;
}

/**
 * The leases this process holds, by lease key, and the writes made through them. Every write
 * increments `leaseCounter` (as every KCL lease update does) and is recorded in the
 * observations, so this process never judges its own writes as a stalled lease.
 */
export class HeldLeases {
  private readonly held = new Map<string, HeldLease>();

  constructor(
    private readonly store: LeaseItemStore,
    private readonly observations: LeaseObservations,
    private readonly leaseDurationMs: number,
    private readonly now: () => number,
    private readonly logger?: Logger,
  ) {}

  get(key: string): HeldLease | undefined {
    return this.held.get(key);
  }

  delete(key: string): void {
    this.held.delete(key);
  }

  clear(): void {
    this.held.clear();
  }

  /** Records a lease just written with `counter` at `at` (leaving `item`), under a new token. */
  hold(
    key: string,
    streamName: string,
    shardId: string,
    owner: string,
    counter: number,
    at: number,
    item: LeaseItem | undefined,
  ): Lease {
    const token = randomUUID();
    const expiresAt = at + this.leaseDurationMs;
    const checkpoint = item === undefined ? undefined : checkpointOf(item);
    this.held.set(key, {
      token,
      owner,
      counter,
      expiresAt,
      checkpoint,
      kclPositioned: holdsKclPosition(item),
    });
    this.observations.wrote(key, counter, at);
    return { streamName, shardId, owner, token, expiresAt };
  }

  /** The held lease behind `lease`, or LeaseLostError (taken over, expired or released). */
  async heldOrLost(table: string, lease: Lease): Promise<HeldLease> {
    const key = leaseKeyOf(table, lease.streamName, lease.shardId);
    const held = this.held.get(key);
    if (held !== undefined && held.token === lease.token && this.now() < held.expiresAt) {
      await this.settle(table, lease, held);
      return held;
    }
    // Kept while a write through it is unsettled: it may land yet (see lateWriteOfExpired).
    if (held !== undefined && held.token === lease.token && held.unsettled !== true) this.held.delete(key);
    throw await this.lost(table, lease);
  }

  /**
   * Whether `item` (just read for an acquire by `owner`) is our own lease as a write through it
   * left it after its call gave up (e.g. DynamoDB held it and applied it later), the lease having
   * run out on this process's clock meanwhile: so no Lease object of ours is good for it any more,
   * and without this it would read as another instance's live lease, refused for a failover time.
   * That write set the counter after the one we last wrote, with our owner, and removed any take
   * token; another instance with our worker id takes the lease only with a token of its own.
   */
  lateWriteOfExpired(key: string, item: LeaseItem | undefined, owner: string): boolean {
    const held = this.held.get(key);
    return (
      held !== undefined &&
      held.unsettled === true &&
      held.owner === owner &&
      this.now() >= held.expiresAt &&
      showsLateWrite(item, held)
    );
  }

  /**
   * After a write through the lease failed (its call gave up; it may have landed all the same),
   * reads the item: the counter that write set, with our owner, before our deadline, means it
   * landed (its counter and stored position are taken in); the counter we last wrote means it did
   * not; anything else is a lost lease. So the next write is never taken for the failed one.
   */
  async settle(table: string, lease: Lease, held: HeldLease): Promise<void> {
    if (held.unsettled !== true) return;
    const key = leaseKeyOf(table, lease.streamName, lease.shardId);
    const item = await this.store.get(table, lease.streamName, lease.shardId);
    if (this.landedEarlier(item, lease, held) && item !== undefined) {
      held.counter += 1;
      takeIn(held, item);
      this.observations.wrote(key, held.counter, this.now());
    } else if (
      item === undefined ||
      leaseOwnerOf(item) !== lease.owner ||
      leaseCounterOf(item) !== held.counter
    ) {
      this.forget(key, held, item);
      throw this.lostAs(table, lease, item);
    }
    held.unsettled = false;
  }

  /**
   * One conditional write through a held lease; increments the counter (as every KCL lease
   * update does); LeaseLostError if the condition fails. Only a renewal extends the holder's
   * `expiresAt`: the holder keeps renewing on its own schedule, and observers, who see every
   * counter move, judge expiry later than the holder does.
   *
   * False when the write was not made because an earlier write through the lease, whose call
   * gave up, landed since the item was last read (it holds the counter this one would set, with
   * our owner, but not what this one writes): that write is taken in (its counter and stored
   * position) and the caller decides afresh. Each write of ours lands at most once, so a caller
   * that writes again meets this a bounded number of times.
   */
  async conditionalUpdate(
    table: string,
    lease: Lease,
    held: HeldLease,
    update: LeaseItemUpdate,
    renews = false,
  ): Promise<boolean> {
    const key = leaseKeyOf(table, lease.streamName, lease.shardId);
    const at = this.now();
    let result: unknown;
    try {
      result = await this.store.updateThroughLease(table, lease, held.counter, held.counter + 1, update);
    } catch (error) {
      held.unsettled = true;
      throw error;
    }
    if (result === 'condition-failed') {
      const item = await this.store.get(table, lease.streamName, lease.shardId);
      if (!this.landedEarlier(item, lease, held) || item === undefined) {
        this.forget(key, held, item);
        throw this.lostAs(table, lease, item);
      }
      const ours = holdsLeaseItemUpdate(item, update);
      writeLog(
        this.logger,
        'debug',
        ours
          ? 'DynamoDB write had landed before its retry'
          : 'DynamoDB write through a lease landed after its call gave up',
        { streamName: lease.streamName, shardId: lease.shardId },
      );
      held.counter += 1;
      takeIn(held, item);
      this.observations.wrote(key, held.counter, at);
      if (!ours) return false;
    } else {
      held.counter += 1;
      this.observations.wrote(key, held.counter, at);
    }
    if (renews) held.expiresAt = at + this.leaseDurationMs;
    return true;
  }

  /**
   * After a write that gives the lease up failed its condition: whether `item` (read since) shows
   * an earlier write of ours that landed (see conditionalUpdate), taken in; then the lease is
   * still ours to give up.
   */
  tookInLateWrite(table: string, lease: Lease, held: HeldLease, item: LeaseItem | undefined): boolean {
    if (!this.landedEarlier(item, lease, held) || item === undefined) return false;
    held.counter += 1;
    takeIn(held, item);
    this.observations.wrote(leaseKeyOf(table, lease.streamName, lease.shardId), held.counter, this.now());
    return true;
  }

  /**
   * What a lease item of `streamName` says, as this process judges it (see LeaseObservations),
   * read at `at`.
   */
  infoOf(table: string, streamName: string, item: LeaseItem, at: number): LeaseInfo {
    const shardId = this.store.shardIdOf(streamName, item) ?? '';
    const key = leaseKeyOf(table, streamName, shardId);
    const owner = leaseOwnerOf(item);
    const observed = this.observations.observe(key, leaseCounterOf(item), at);
    const held = this.held.get(key);
    const ours = held !== undefined && held.owner === owner && held.counter === leaseCounterOf(item);
    const expiresAt = ours ? held.expiresAt : observed;
    const live = owner !== undefined && this.now() < expiresAt;
    const checkpoint = checkpointOf(item);
    const lineage = lineageOf(item);
    return {
      shardId,
      ...(live ? { owner, expiresAt } : {}),
      ...(checkpoint !== undefined ? { checkpoint } : {}),
      ...(lineage !== undefined ? { lineage } : {}),
    };
  }

  /** The live owner of a lease item as this process judges it (see LeaseObservations). */
  liveOwnerOf(table: string, streamName: string, item: LeaseItem, at: number): string | undefined {
    return this.infoOf(table, streamName, item, at).owner;
  }

  /**
   * Whether a write whose condition failed had in fact landed on an earlier attempt (its answer
   * lost, e.g. a timeout, then retried by callDynamoDB): the item holds our owner and exactly
   * the counter that write set, read before our lease's deadline. Before that deadline nobody
   * else can have moved the counter while keeping our owner: another worker writes its own
   * owner, and another instance with our worker id takes the lease only after watching its
   * counter stand still for the failover time, which cannot end before our deadline (the last
   * counter we wrote was sent after the renewal the deadline counts from).
   */
  private landedEarlier(item: LeaseItem | undefined, lease: Lease, held: HeldLease): boolean {
    return (
      item !== undefined &&
      leaseOwnerOf(item) === lease.owner &&
      leaseCounterOf(item) === held.counter + 1 &&
      this.now() < held.expiresAt
    );
  }

  /**
   * Forgets `held`, its lease found lost in `item`; but keeps it (unsettled) when `item` may show a
   * write of ours that landed past our deadline: see lateWriteOfExpired.
   */
  private forget(key: string, held: HeldLease, item: LeaseItem | undefined): void {
    if (this.held.get(key) !== held) return;
    if (showsLateWrite(item, held)) held.unsettled = true;
    else this.held.delete(key);
  }

  private async lost(table: string, lease: Lease): Promise<LeaseLostError> {
    return this.lostAs(table, lease, await this.store.get(table, lease.streamName, lease.shardId));
  }

  private lostAs(table: string, lease: Lease, item: LeaseItem | undefined): LeaseLostError {
    const stored = item === undefined ? undefined : leaseOwnerOf(item);
    const held = this.held.get(leaseKeyOf(table, lease.streamName, lease.shardId));
    const reacquired = held !== undefined && held.owner === stored && held.token !== lease.token;
    const actualOwner = stored === lease.owner && !reacquired ? undefined : stored;
    writeLog(this.logger, 'warn', 'DynamoDB lease lost', {
      streamName: lease.streamName,
      shardId: lease.shardId,
      owner: lease.owner,
      actualOwner,
    });
    return new LeaseLostError({
      streamName: lease.streamName,
      shardId: lease.shardId,
      expectedOwner: lease.owner,
      ...(actualOwner !== undefined ? { actualOwner } : {}),
    });
  }
}

/** Takes in the position an item holds (written by an earlier write of ours that landed). */
function takeIn(held: HeldLease, item: LeaseItem): void {
  held.checkpoint = checkpointOf(item);
  held.kclPositioned = holdsKclPosition(item);
}

/**
 * Whether `item` may be as a write through `held` left it: our owner, the counter after the one
 * we last wrote, no take token (a take by another instance with our worker id writes its own).
 */
function showsLateWrite(item: LeaseItem | undefined, held: HeldLease): boolean {
  return (
    item !== undefined &&
    leaseOwnerOf(item) === held.owner &&
    leaseCounterOf(item) === held.counter + 1 &&
    item[TAKE_TOKEN] === undefined
  );
}
