import type { CheckpointPosition } from '../checkpointers/Checkpointer.js';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';

/** Where a shard's reading started. */
export interface ShardStartPosition {
  readonly iteratorType:
    'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';
  readonly sequenceNumber?: string;
  readonly timestamp?: Date;
  /** Items up to this index of the record at `sequenceNumber` are skipped (KPL resume). */
  readonly resumeAfterSubSequenceNumber?: number;
  /** checkpoint: resumed from the checkpointer; configured: the consumer's start options; parent: after its parents ended. */
  readonly origin: 'checkpoint' | 'configured' | 'parent';
}

/** Lifecycle notifications of a consumer, from `fromKinesis(...).events$`. */
export type ConsumerEvent =
  | { readonly type: 'consumer-started'; readonly streamName: string; readonly workerId: string }
  /**
   * The run that emitted consumer-started stopped (its last event); a run that never started
   * (unsubscribed, or failed, before consumer-started) emits no consumer-stopped.
   */
  | { readonly type: 'consumer-stopped'; readonly streamName: string; readonly workerId: string }
  /**
   * The stop's final writes (last checkpoints, lease releases, leaving the group, deregistering)
   * did not end within `finalWritesTimeoutMs` (`timeoutMs`): the consumer stopped waiting for
   * the checkpointer (its later answers are ignored) and stopped its timers; consumer-stopped
   * follows (of a run that started). `unwritten`: shards whose finished position (or end) was
   * not written, read again from the last position stored (at-least-once). `unreleased`: shards
   * whose lease was not released (held, or being acquired or released), free for other workers
   * once it runs out.
   */
  | {
      readonly type: 'final-writes-timeout';
      readonly streamName: string;
      readonly workerId: string;
      readonly timeoutMs: number;
      readonly unwritten: readonly string[];
      readonly unreleased: readonly string[];
    }
  | { readonly type: 'shards-discovered'; readonly shardIds: readonly string[] }
  | {
      readonly type: 'shard-started';
      readonly shardId: string;
      readonly start: ShardStartPosition;
      /** Parents this shard waited for (a child started after a split or merge). */
      readonly parentShardIds: readonly string[];
    }
  /** The shard was read to its end, every record passed, and SHARD_END was written. */
  | { readonly type: 'shard-ended'; readonly shardId: string; readonly childShardIds: readonly string[] }
  /**
   * Every lease-acquired of a shard ends with exactly one lease-released or lease-lost of it, or
   * (a stop that ran past finalWritesTimeoutMs) with the shard in final-writes-timeout's `unreleased`.
   */
  | { readonly type: 'lease-acquired'; readonly shardId: string }
  /**
   * This worker gave the shard's lease up (the shard ended, was handed over or given up, or the
   * consumer stopped). Without `error` the store has it free (or reserved for a handoff's
   * requester). With `error` the release failed (also reported as error-retried releaseLease):
   * this worker no longer holds or uses the lease, but the store shows it held until it runs
   * out, so another worker gets the shard only then.
   */
  | { readonly type: 'lease-released'; readonly shardId: string; readonly error?: RxjsKinesisError }
  /**
   * The shard's lease was taken over, ran out, or could not be renewed before its deadline: the
   * shard stopped at once and its unwritten positions were dropped.
   */
  | { readonly type: 'lease-lost'; readonly shardId: string; readonly error: RxjsKinesisError }
  /**
   * The shard's lease is held live by someone else; it is tried again later. `holder` is the
   * live owner's worker id when known. `reason` 'same-worker-id': the holder has this consumer's
   * own worker id but this consumer does not hold the lease - most likely another process
   * started with the same `workerId` (it waits for that lease to expire like any worker; give
   * each process its own id). Reported once per shard until the lease is acquired.
   */
  | {
      readonly type: 'lease-unavailable';
      readonly shardId: string;
      readonly reason: 'held' | 'same-worker-id';
      readonly holder?: string;
    }
  /**
   * Balancing (with a shared checkpointer such as the RedisCheckpointer) ran and this worker's
   * share changed: it should hold `target` shards and holds `held`, among `liveWorkers`.
   */
  | {
      readonly type: 'rebalance';
      readonly target: number;
      readonly held: readonly string[];
      readonly liveWorkers: readonly string[];
    }
  /** This worker asked `owner` to hand the shard over; `owner` has until `deadline` (coordinator clock). */
  | {
      readonly type: 'handoff-requested';
      readonly shardId: string;
      readonly owner: string;
      readonly deadline: number;
    }
  /**
   * Group consumers: `timeouts` reads of the shard in a row timed out (`stallTimeouts`), so this
   * worker gives the shard up (writes, releases the lease) for another worker to take.
   */
  | {
      readonly type: 'shard-stalled';
      readonly shardId: string;
      readonly timeouts: number;
      readonly error: RxjsKinesisError;
    }
  /**
   * A handoff (or give-up) found records of the shard still in flight after its drain timeout:
   * this worker keeps the lease (and withdraws `requester`'s request) rather than hand the shard
   * over mid-record, and tries again after each timeout until they are done.
   */
  | {
      readonly type: 'handoff-timeout';
      readonly shardId: string;
      readonly requester: string | undefined;
      readonly inFlight: number;
    }
  /**
   * This worker handed the shard over at `requester`'s request: it stopped reading it, waited for
   * the records in flight, wrote the last checkpoint and released the lease. `drained` is false
   * when records were still in flight at the drain timeout (they are read again by the next
   * owner). `reserved` says whether the store reserved the released lease for `requester`:
   * - `true`: reserved; only `requester` may take it until the reservation runs out;
   * - `false`: `requester`'s heartbeat was no longer live at the release (it died or left the
   *   group while this worker drained its records), so the lease was released with no
   *   reservation and any worker may take the shard at once: it did not go to `requester`
   *   (also when the lease was no longer this worker's at the release: it had run out and
   *   another worker took it);
   * - `undefined`: the checkpointer did not say (a custom LeaseCoordinator whose `releaseLease`
   *   resolves to nothing rather than a ReleaseLeaseResult).
   */
  | {
      readonly type: 'handoff-completed';
      readonly shardId: string;
      readonly requester: string;
      readonly drained: boolean;
      readonly reserved: boolean | undefined;
    }
  /**
   * Reading paused because the in-flight budget is full, and this direct subscriber holds the
   * most records (it has not settled them: no checkpoint() in its pipeline, or slow work before
   * it). Once per episode: emitted again only after the budget was half empty. Not while the
   * subscribers hold at most half of it (then calls under way fill it). Use observe() for taps.
   */
  | {
      readonly type: 'subscriber-behind';
      readonly subscriberId: number;
      /** Records this subscriber has not finished. */
      readonly records: number;
      readonly inFlight: number;
      readonly inFlightItems: number;
      readonly inFlightBytes: number;
    }
  | { readonly type: 'throttled'; readonly shardId: string; readonly delayMs: number }
  | {
      readonly type: 'iterator-renewed';
      readonly shardId: string;
      /** The last emitted record; undefined when none was emitted yet (the start position is reused). */
      readonly afterSequenceNumber?: string;
    }
  /**
   * Enhanced fan-out: the shard's subscription was renewed from `afterSequenceNumber` (the last
   * emitted record or continuation point): `ended` when the server ended it (its 5-minute life,
   * or a connection closed without an error), `paused` when it was closed because the in-flight budget stayed full for the
   * silence timeout and reopened once there was room. Silent subscriptions and errors are
   * reported as `error-retried`.
   */
  | {
      readonly type: 'subscription-renewed';
      readonly shardId: string;
      readonly reason: 'ended' | 'paused';
      readonly afterSequenceNumber?: string;
    }
  /**
   * The checkpointer stored the position (a write it answered false to, its store holding a later
   * position, is not one).
   */
  | {
      readonly type: 'checkpoint-written';
      readonly shardId: string;
      /** 'SHARD_END' when the shard's end was recorded. */
      readonly position: CheckpointPosition | 'SHARD_END';
    }
  /**
   * The checkpointer refused the position as older than the one its store holds (written by
   * another worker, or before a restart from an older position): nothing written, nothing lost.
   */
  | { readonly type: 'checkpoint-refused'; readonly shardId: string; readonly position: CheckpointPosition }
  | {
      readonly type: 'error-retried';
      readonly shardId?: string;
      readonly operation: string;
      readonly error: RxjsKinesisError;
      readonly attempt: number;
      readonly delayMs: number;
    };

export type ConsumerEventType = ConsumerEvent['type'];
