// A small checkpointer over a shared in-memory store, as a user might write one over a database,
// with one flaw switched on at a time: what the conformance suite must catch.
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type {
  CheckpointPosition,
  Checkpointer,
  Lease,
  LeaseInfo,
  ShardCheckpoint,
} from '../../src/checkpointers/Checkpointer.js';
import { comparePositions } from '../../src/checkpointers/comparePositions.js';
import { CheckpointerClosedError } from '../../src/checkpointers/errors/CheckpointerClosedError.js';
import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { validateCheckpointPosition } from '../../src/checkpointers/validateCheckpointPosition.js';
import {
  validateShardAddress,
  validateNonEmptyString,
} from '../../src/checkpointers/validateCheckpointerArguments.js';

export type Flaw =
  /** Stores the whole record as done when told that only some of its items are: ahead of the work. */
  | 'drops-sub-sequence'
  /** Overwrites the stored position with a lower one. */
  | 'moves-backwards'
  /** Acquires with a read, a round trip, then a blind write. */
  | 'read-then-write'
  /** The same, serialized by a lock inside the instance: exclusive in one process only. */
  | 'instance-lock'
  /** Hands a live lease to its own owner id again. */
  | 'reentrant-owner'
  /** close() returns at once, while calls are still under way. */
  | 'close-does-not-wait'
  /** Release clears the owner but keeps the token alive: the released lease still writes. */
  | 'release-keeps-token'
  /** markShardEnd() checks the token but not the expiry: an expired lease still ends the shard. */
  | 'shard-end-ignores-expiry'
  /** renewLease() checks the owner id, not the token: a stale lease of the same worker id renews. */
  | 'renew-checks-owner'
  /** markShardEnd() checks the owner id, not the token. */
  | 'shard-end-checks-owner'
  /** releaseLease() checks the owner id, not the token: a stale lease releases its successor. */
  | 'release-checks-owner'
  /** Tokens are the owner id and a count kept per instance: two instances hand out the same ones. */
  | 'instance-tokens'
  /** After close() only reads and acquisitions are refused: writes through a lease still land. */
  | 'close-refuses-reads-only'
  /** close() leaves its lease sweep interval scheduled: the process does not exit. */
  | 'close-leaves-timer'
  /** close() leaves its connection to the store open. */
  | 'close-leaves-connection'
  /** A store failure is thrown as the store client's plain Error. */
  | 'plain-store-errors'
  /** A store failure is thrown as an RxjsKinesisError that says not to retry. */
  | 'store-errors-not-retriable'
  /** A store failure is thrown as an RxjsKinesisError without the store's error as cause. */
  | 'store-errors-without-cause'
  /** A store failure during a call through a lease is reported as a lost lease. */
  | 'outage-as-lease-lost';

interface Entry {
  owner?: string;
  token?: string;
  expiresAt?: number;
  checkpoint?: ShardCheckpoint;
}

/**
 * The store several instances share (a database table); `down` makes every round trip fail, and
 * `port` (when set) is a server each instance keeps a connection to, as a database client does.
 */
export class FlawedStore extends Map<string, Entry> {
  down = false;
  port: number | undefined;
}

/** Where the checkpointer schedules its timers: Node's by default, or one a test injects. */
export interface FlawedScheduler {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeScheduler: FlawedScheduler = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Timers and connections the flaws that leak them left behind, for the test to free after it. */
export const leaked = { timers: new Set<unknown>(), sockets: new Set<Socket>() };

export class FlawedCheckpointer implements Checkpointer {
  readonly name = 'flawed';
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private lock: Promise<unknown> = Promise.resolve();
  private tokens = 0;
  /** Sweeps expired leases from a cache, as some implementations do: cleared on close(). */
  private readonly sweep: unknown;
  private readonly connection: Socket | undefined;

  constructor(
    readonly leaseDurationMs: number,
    private readonly store: FlawedStore,
    private readonly now: () => number,
    private readonly flaw?: Flaw,
    private readonly scheduler = nodeScheduler,
  ) {
    this.sweep = scheduler.setInterval(() => undefined, leaseDurationMs);
    if (store.port !== undefined) {
      this.connection = connect(store.port, '127.0.0.1');
      this.connection.on('error', () => undefined);
    }
  }

  getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.run('getCheckpoint', async () => {
      validateShardAddress(streamName, shardId);
      await this.roundTrip();
      return this.store.get(`${streamName}/${shardId}`)?.checkpoint;
    });
  }

  acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    return this.run('acquireLease', async () => {
      validateShardAddress(streamName, shardId);
      validateNonEmptyString(owner, 'owner');
      const key = `${streamName}/${shardId}`;
      const isLive = (entry: Entry | undefined): boolean =>
        entry?.owner !== undefined && (entry.expiresAt ?? 0) > this.now();
      const write = (): Lease => {
        const lease = {
          streamName,
          shardId,
          owner,
          token: this.flaw === 'instance-tokens' ? `${owner}-${++this.tokens}` : randomUUID(),
          expiresAt: this.now() + this.leaseDurationMs,
        };
        this.store.set(key, {
          ...this.store.get(key),
          owner,
          token: lease.token,
          expiresAt: lease.expiresAt,
        });
        return lease;
      };
      if (this.flaw !== 'read-then-write' && this.flaw !== 'instance-lock') {
        await this.roundTrip();
        const entry = this.store.get(key);
        if (isLive(entry) && !(this.flaw === 'reentrant-owner' && entry?.owner === owner)) return undefined;
        return write();
      }
      // Read, a round trip, then a blind write.
      const split = async (): Promise<Lease | undefined> => {
        const live = isLive(this.store.get(key));
        await this.roundTrip();
        return live ? undefined : write();
      };
      if (this.flaw === 'read-then-write') return split();
      const run = this.lock.then(split, split);
      this.lock = run.catch(() => undefined);
      return run;
    });
  }

  renewLease(lease: Lease): Promise<Lease> {
    return this.run('renewLease', async () => {
      await this.roundTrip();
      const entry = this.owned(lease, true, this.flaw === 'renew-checks-owner');
      entry.expiresAt = this.now() + this.leaseDurationMs;
      return { ...lease, expiresAt: entry.expiresAt };
    });
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.run('releaseLease', async () => {
      await this.roundTrip();
      const entry = this.store.get(`${lease.streamName}/${lease.shardId}`);
      const ours =
        this.flaw === 'release-checks-owner' ? entry?.owner === lease.owner : entry?.token === lease.token;
      if (entry === undefined || !ours) return;
      delete entry.owner;
      if (this.flaw !== 'release-keeps-token') {
        delete entry.token;
        delete entry.expiresAt;
      }
    });
  }

  checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    return this.run('checkpoint', async () => {
      validateCheckpointPosition(position);
      if (this.flaw === 'outage-as-lease-lost' && this.store.down)
        throw new LeaseLostError({
          streamName: lease.streamName,
          shardId: lease.shardId,
          expectedOwner: lease.owner,
        });
      await this.roundTrip();
      const entry = this.owned(lease, true);
      const stored = entry.checkpoint;
      if (stored?.kind === 'shard-end') return false;
      if (
        this.flaw !== 'moves-backwards' &&
        stored !== undefined &&
        comparePositions(position, stored.position) < 0
      )
        return false;
      const written =
        this.flaw === 'drops-sub-sequence' ? { sequenceNumber: position.sequenceNumber } : position;
      entry.checkpoint = { kind: 'position', position: { ...written } };
      return true;
    });
  }

  markShardEnd(lease: Lease): Promise<void> {
    return this.run('markShardEnd', async () => {
      await this.roundTrip();
      this.owned(
        lease,
        this.flaw !== 'shard-end-ignores-expiry',
        this.flaw === 'shard-end-checks-owner',
      ).checkpoint = { kind: 'shard-end' };
    });
  }

  listLeases(streamName: string): Promise<LeaseInfo[]> {
    return this.run('listLeases', async () => {
      await this.roundTrip();
      const infos: LeaseInfo[] = [];
      for (const [key, entry] of this.store) {
        if (!key.startsWith(`${streamName}/`)) continue;
        const live = entry.owner !== undefined && (entry.expiresAt ?? 0) > this.now();
        infos.push({
          shardId: key.slice(streamName.length + 1),
          ...(live ? { owner: entry.owner, expiresAt: entry.expiresAt } : {}),
          ...(entry.checkpoint === undefined ? {} : { checkpoint: entry.checkpoint }),
        });
      }
      return infos;
    });
  }

  async close(): Promise<void> {
    if (!this.closed) {
      if (this.flaw === 'close-leaves-timer') leaked.timers.add(this.sweep);
      else this.scheduler.clearInterval(this.sweep);
      if (this.flaw === 'close-leaves-connection' && this.connection !== undefined)
        leaked.sockets.add(this.connection);
      else this.connection?.destroy();
    }
    this.closed = true;
    if (this.flaw === 'close-does-not-wait') return;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The entry the lease still holds; LeaseLostError otherwise. */
  private owned(lease: Lease, checkExpiry: boolean, byOwner = false): Entry {
    const entry = this.store.get(`${lease.streamName}/${lease.shardId}`);
    const holds = byOwner ? entry?.owner === lease.owner : entry?.token === lease.token;
    const live = holds && (!checkExpiry || (entry?.expiresAt ?? 0) > this.now());
    if (entry === undefined || !live) {
      const holder =
        entry?.owner !== undefined && (entry.expiresAt ?? 0) > this.now() ? entry.owner : undefined;
      throw new LeaseLostError({
        streamName: lease.streamName,
        shardId: lease.shardId,
        expectedOwner: lease.owner,
        ...(holder === undefined ? {} : { actualOwner: holder }),
      });
    }
    return entry;
  }

  /**
   * A store round trip: a turn of the event loop (a timer for the flaw that close() must not
   * skip); fails while the store is down, with the error the flaw gives.
   */
  private async roundTrip(): Promise<void> {
    await new Promise((resolve) =>
      this.flaw === 'close-does-not-wait' ? setTimeout(resolve, 20) : setImmediate(resolve),
    );
    if (!this.store.down) return;
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    switch (this.flaw) {
      case 'plain-store-errors':
        throw cause;
      case 'store-errors-not-retriable':
        throw new RxjsKinesisError(`store unreachable: ${cause.message}`, { cause });
      case 'store-errors-without-cause':
        throw new RxjsKinesisError(`store unreachable: ${cause.message}`, { retriable: true });
      default:
        throw new RxjsKinesisError(`store unreachable: ${cause.message}`, { retriable: true, cause });
    }
  }

  private run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    const refused =
      this.flaw !== 'close-refuses-reads-only' || ['getCheckpoint', 'acquireLease'].includes(operation);
    if (this.closed && refused) return Promise.reject(new CheckpointerClosedError(this.name, operation));
    const call = body();
    this.inFlight.add(call);
    const settled = (): void => void this.inFlight.delete(call);
    call.then(settled, settled);
    return call;
  }
}
