import { randomUUID } from 'node:crypto';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { unknownOptionError } from '../errors/unknownOptionError.js';
import type { LogLevel, Logger } from '../logging/Logger.js';
import { validateLogger } from '../logging/validateLogger.js';
import { type LogDetails, writeLog } from '../logging/writeLog.js';
import type { Checkpointer, CheckpointPosition, Lease, LeaseInfo, ShardCheckpoint } from './Checkpointer.js';
import { comparePositions } from './comparePositions.js';
import { CheckpointerClosedError } from './errors/CheckpointerClosedError.js';
import { LeaseLostError } from './errors/LeaseLostError.js';
import { validateCheckpointPosition } from './validateCheckpointPosition.js';
import {
  validateLease,
  validateNonEmptyString,
  validateShardAddress,
  validateShardIds,
} from './validateCheckpointerArguments.js';

export interface MemoryCheckpointerOptions {
  /** How long a lease lasts without renewal, in milliseconds. Default 60000. */
  readonly leaseDurationMs?: number | undefined;
  /** Clock in epoch milliseconds; inject a fake one in tests. Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** Logs leases acquired, released and lost, and close (console, pino, NestJS Logger...). Default: none. */
  readonly logger?: Logger | undefined;
}

/** One stored checkpoint, as returned by `MemoryCheckpointer.snapshot()`. */
export interface CheckpointSnapshotEntry {
  readonly streamName: string;
  readonly shardId: string;
  readonly checkpoint: ShardCheckpoint;
}

interface HeldLease {
  readonly owner: string;
  readonly token: string;
  readonly expiresAt: number;
}

interface ShardState {
  checkpoint?: ShardCheckpoint;
  lease?: HeldLease;
}

const DEFAULT_LEASE_DURATION_MS = 60_000;
const OPTION_NAMES = new Set(['leaseDurationMs', 'now', 'logger']);

/**
 * Checkpoints and leases in this process's memory: for a single consumer process, tests and
 * demos. Nothing survives a restart. Lease expiry is computed from the clock on each call (no
 * timers). Every operation runs to completion synchronously, so concurrent calls cannot race.
 */
export class MemoryCheckpointer implements Checkpointer {
  readonly name = 'memory';
  readonly leaseDurationMs: number;
  private readonly now: () => number;
  private readonly streams = new Map<string, Map<string, ShardState>>();
  private closed = false;
  private readonly logger: Logger | undefined;

  constructor(options: MemoryCheckpointerOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError(
        'options',
        options,
        'must be an object { leaseDurationMs?, now?, logger? }',
      );
    // Its value is not shown: a misspelt name says nothing of whether it is secret.
    for (const key of Object.keys(options))
      if (!OPTION_NAMES.has(key)) throw unknownOptionError(key, OPTION_NAMES);
    const { leaseDurationMs = DEFAULT_LEASE_DURATION_MS, now = Date.now } = options;
    if (typeof leaseDurationMs !== 'number' || !Number.isSafeInteger(leaseDurationMs) || leaseDurationMs <= 0)
      throw new InvalidOptionError(
        'leaseDurationMs',
        leaseDurationMs,
        'must be a positive integer of milliseconds',
      );
    if (typeof now !== 'function')
      throw new InvalidOptionError('now', now, 'must be a function returning epoch milliseconds');
    this.leaseDurationMs = leaseDurationMs;
    this.now = now;
    this.logger = options.logger === undefined ? undefined : validateLogger(options.logger);
  }

  async getCheckpoint(streamName: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    this.assertOpen('get a checkpoint');
    validateShardAddress(streamName, shardId);
    return this.streams.get(streamName)?.get(shardId)?.checkpoint;
  }

  async acquireLease(streamName: string, shardId: string, owner: string): Promise<Lease | undefined> {
    this.assertOpen('acquire a lease');
    validateShardAddress(streamName, shardId);
    validateNonEmptyString(owner, 'owner');
    const state = this.shard(streamName, shardId);
    const now = this.now();
    const held = this.liveLease(state, now);
    // A live lease is never handed out again, not even to its own worker id: it belongs to the
    // instance holding its token (another instance with the same id waits for expiry).
    if (held !== undefined) return undefined;
    const token = randomUUID();
    state.lease = { owner, token, expiresAt: now + this.leaseDurationMs };
    this.log('debug', 'lease acquired', { streamName, shardId, owner });
    return { streamName, shardId, owner, token, expiresAt: state.lease.expiresAt };
  }

  async renewLease(lease: Lease): Promise<Lease> {
    this.assertOpen('renew a lease');
    const state = this.owned(lease);
    const expiresAt = this.now() + this.leaseDurationMs;
    state.lease = { owner: lease.owner, token: lease.token, expiresAt };
    return {
      streamName: lease.streamName,
      shardId: lease.shardId,
      owner: lease.owner,
      token: lease.token,
      expiresAt,
    };
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.assertOpen('release a lease');
    validateLease(lease);
    const state = this.streams.get(lease.streamName)?.get(lease.shardId);
    if (state?.lease?.token !== lease.token) return;
    delete state.lease;
    this.log('debug', 'lease released', {
      streamName: lease.streamName,
      shardId: lease.shardId,
      owner: lease.owner,
    });
  }

  async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    this.assertOpen('write a checkpoint');
    validateCheckpointPosition(position);
    const state = this.owned(lease);
    const stored = state.checkpoint;
    if (stored?.kind === 'shard-end') return false;
    if (stored !== undefined && comparePositions(position, stored.position) < 0) return false;
    const copy: CheckpointPosition =
      position.subSequenceNumber === undefined
        ? { sequenceNumber: position.sequenceNumber }
        : { sequenceNumber: position.sequenceNumber, subSequenceNumber: position.subSequenceNumber };
    state.checkpoint = { kind: 'position', position: copy };
    return true;
  }

  async markShardEnd(lease: Lease): Promise<void> {
    this.assertOpen('mark a shard end');
    this.owned(lease).checkpoint = { kind: 'shard-end' };
  }

  async listLeases(streamName: string): Promise<LeaseInfo[]> {
    this.assertOpen('list leases');
    validateNonEmptyString(streamName, 'streamName');
    const shards = this.streams.get(streamName);
    if (shards === undefined) return [];
    const now = this.now();
    const infos: LeaseInfo[] = [];
    for (const [shardId, state] of [...shards].sort(([a], [b]) => compareText(a, b))) {
      const held = this.liveLease(state, now);
      if (held === undefined && state.checkpoint === undefined) continue;
      infos.push({
        shardId,
        ...(held !== undefined ? { owner: held.owner, expiresAt: held.expiresAt } : {}),
        ...(state.checkpoint !== undefined ? { checkpoint: state.checkpoint } : {}),
      });
    }
    return infos;
  }

  /** Removes the state of the shards whose lease no one holds (see Checkpointer.forgetShards). */
  async forgetShards(streamName: string, shardIds: readonly string[]): Promise<string[]> {
    this.assertOpen('forget shards');
    const ids = validateShardIds(streamName, shardIds);
    const shards = this.streams.get(streamName);
    const now = this.now();
    const forgotten: string[] = [];
    for (const shardId of ids) {
      const state = shards?.get(shardId);
      if (state !== undefined && this.liveLease(state, now) !== undefined) continue;
      shards?.delete(shardId);
      forgotten.push(shardId);
    }
    if (shards?.size === 0) this.streams.delete(streamName);
    return forgotten;
  }

  async close(): Promise<void> {
    if (!this.closed) this.log('info', 'memory checkpointer closed');
    this.closed = true;
  }

  /** Every stored checkpoint, sorted by stream and shard. Leases are not included. */
  snapshot(): CheckpointSnapshotEntry[] {
    const entries: CheckpointSnapshotEntry[] = [];
    for (const [streamName, shards] of this.streams)
      for (const [shardId, state] of shards)
        if (state.checkpoint !== undefined)
          entries.push({ streamName, shardId, checkpoint: state.checkpoint });
    return entries.sort(
      (a, b) => compareText(a.streamName, b.streamName) || compareText(a.shardId, b.shardId),
    );
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new CheckpointerClosedError(this.name, operation);
  }

  private shard(streamName: string, shardId: string): ShardState {
    let shards = this.streams.get(streamName);
    if (shards === undefined) this.streams.set(streamName, (shards = new Map()));
    let state = shards.get(shardId);
    if (state === undefined) shards.set(shardId, (state = {}));
    return state;
  }

  private liveLease(state: ShardState, now: number): HeldLease | undefined {
    return state.lease !== undefined && now < state.lease.expiresAt ? state.lease : undefined;
  }

  /** The shard's state if `lease` is its live lease; LeaseLostError otherwise. */
  private owned(lease: Lease): ShardState {
    validateLease(lease);
    const state = this.streams.get(lease.streamName)?.get(lease.shardId);
    const held = state === undefined ? undefined : this.liveLease(state, this.now());
    if (state === undefined || held?.token !== lease.token) {
      const error = new LeaseLostError({
        streamName: lease.streamName,
        shardId: lease.shardId,
        expectedOwner: lease.owner,
        actualOwner: held?.owner,
      });
      this.log('warn', 'lease lost', { streamName: lease.streamName, shardId: lease.shardId, error });
      throw error;
    }
    return state;
  }

  private log(level: LogLevel, message: string, details: LogDetails = {}): void {
    writeLog(this.logger, level, message, details);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
