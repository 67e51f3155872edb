// A tiny in-memory lease store and a group of workers that each follow planLeaseBalance, one pass
// per worker per round, with the store's rules: acquire only a free lease not reserved for
// another worker (or one whose handoff deadline passed for its requester), a handoff request on
// a held lease, a release that may reserve the lease for the requester, withdrawals.
import type { WorkerCap } from '../../src/checkpointers/LeaseCoordinator.js';
import { planLeaseBalance, type BalanceLease } from '../../src/checkpointers/planLeaseBalance.js';

export interface SimWorker {
  readonly id: string;
  /** Its maxShardConsumers; undefined: no limit. */
  readonly cap?: number;
  /** Publishes its cap with its heartbeat (false: an older worker). Default true. */
  readonly publishes?: boolean;
}

interface SimLease {
  owner?: string;
  handoff?: { requester: string; deadline: number };
  reservation?: { worker: string; until: number };
}

const ROUND_MS = 100;
const HANDOFF_MS = 300;
const RESERVATION_MS = 300;

export class LeaseGroupSimulation {
  private readonly leases = new Map<string, SimLease>();
  /** Handoff requests recorded so far. */
  handoffRequests = 0;
  private readonly workers: SimWorker[] = [];
  /** Per shard, its owners in order (a free spell between two holds is left out). */
  readonly history = new Map<string, string[]>();
  now = 1_000_000;
  rounds = 0;

  constructor(
    private openShards: readonly string[],
    initialOwners: Readonly<Record<string, string>> = {},
  ) {
    for (const shardId of openShards) {
      const owner = initialOwners[shardId];
      this.leases.set(shardId, owner === undefined ? {} : { owner });
      this.history.set(shardId, owner === undefined ? [] : [owner]);
    }
  }

  /** The open shards become `openShards` (new ones free, closed ones released), as after a reshard. */
  reshard(openShards: readonly string[]): void {
    // The leases of closed shards are released by their readers at the shard's end.
    for (const shardId of this.openShards) if (!openShards.includes(shardId)) this.leases.set(shardId, {});
    this.openShards = openShards;
    for (const shardId of openShards)
      if (!this.leases.has(shardId)) {
        this.leases.set(shardId, {});
        this.history.set(shardId, []);
      }
  }

  join(...workers: SimWorker[]): this {
    this.workers.push(...workers);
    return this;
  }

  /** One pass of every worker; returns whether any lease changed owner. */
  round(): boolean {
    this.rounds += 1;
    this.now += ROUND_MS;
    const before = this.ownerKey();
    for (const worker of this.workers) this.pass(worker);
    return this.ownerKey() !== before;
  }

  /** Runs rounds until owners stayed the same for `quiet` rounds in a row (at most `limit`). */
  settle(quiet = 8, limit = 300): boolean {
    let still = 0;
    for (let i = 0; i < limit; i += 1) {
      still = this.round() ? 0 : still + 1;
      if (still >= quiet) return true;
    }
    return false;
  }

  /** Open shards held per worker, in join order. */
  counts(): number[] {
    const open = this.openLeases();
    return this.workers.map((worker) => open.filter((lease) => lease.owner === worker.id).length);
  }

  /** Open shards nobody holds. */
  unowned(): number {
    return this.openLeases().filter((lease) => lease.owner === undefined).length;
  }

  private openLeases(): SimLease[] {
    return this.openShards.map((shardId) => this.leases.get(shardId) ?? {});
  }

  /** Shards that went back and forth between two workers: A, B, A, B in a row. */
  thrashedShards(): string[] {
    return [...this.history]
      .filter(([, owners]) =>
        owners.some(
          (owner, i) => i + 3 < owners.length && owners[i + 2] === owner && owners[i + 1] === owners[i + 3],
        ),
      )
      .map(([shardId]) => shardId);
  }

  /** Shards whose owner went back to one it had before (A, then B, then A again). */
  bouncedShards(): string[] {
    return [...this.history]
      .filter(([, owners]) => owners.some((owner, i) => owners.indexOf(owner) !== i))
      .map(([shardId]) => shardId);
  }

  private ownerKey(): string {
    return [...this.leases.values()].map((lease) => lease.owner ?? '-').join(',');
  }

  private setOwner(shardId: string, owner: string | undefined): void {
    this.leases.set(shardId, owner === undefined ? {} : { owner });
    const owners = this.history.get(shardId) ?? [];
    if (owner !== undefined && owners.at(-1) !== owner) owners.push(owner);
    this.history.set(shardId, owners);
  }

  private pass(worker: SimWorker): void {
    const { now } = this;
    const workerCaps: WorkerCap[] = this.workers
      .filter((w) => w.cap !== undefined && w.publishes !== false)
      .map((w) => ({ workerId: w.id, maxShardConsumers: w.cap as number }));
    const leases: BalanceLease[] = [...this.leases].map(([shardId, lease]) => ({ shardId, ...lease }));
    const plan = planLeaseBalance({
      workerId: worker.id,
      openShards: this.openShards,
      leases,
      liveWorkers: this.workers.map((w) => w.id),
      now,
      ...(worker.cap !== undefined ? { maxShardConsumers: worker.cap } : {}),
      workerCaps,
    });
    for (const shardId of plan.release) this.setOwner(shardId, undefined);
    for (const { shardId, requester } of plan.handOver) {
      this.setOwner(shardId, undefined);
      this.leases.set(shardId, { reservation: { worker: requester, until: now + RESERVATION_MS } });
    }
    for (const shardId of plan.acquire) {
      const lease = this.leases.get(shardId) ?? {};
      const reservedForOther =
        lease.reservation !== undefined &&
        lease.reservation.until > now &&
        lease.reservation.worker !== worker.id;
      if (lease.owner === undefined && !reservedForOther) this.setOwner(shardId, worker.id);
    }
    for (const shardId of plan.takeOver) {
      const handoff = this.leases.get(shardId)?.handoff;
      if (handoff?.requester === worker.id && handoff.deadline <= now) this.setOwner(shardId, worker.id);
    }
    for (const shardId of plan.withdraw) {
      const lease = this.leases.get(shardId) ?? {};
      if (lease.handoff?.requester === worker.id) delete lease.handoff;
      if (lease.reservation?.worker === worker.id) delete lease.reservation;
    }
    const request = plan.requestHandoff;
    if (request !== undefined) {
      const lease = this.leases.get(request.shardId) ?? {};
      if (lease.owner !== undefined && lease.owner !== worker.id && lease.handoff === undefined) {
        lease.handoff = { requester: worker.id, deadline: now + HANDOFF_MS };
        this.handoffRequests += 1;
      }
    }
  }
}
