// Consumer-group workers as fromKinesis() consumers of the test's own process, each with its own
// group checkpointer (its own connection, like separate processes), for tests that need to reach
// into a worker: its pipelines, its events, its calls to the store. Every position (and SHARD_END)
// write of every worker is recorded with what had been processed (by anyone) at the call, and
// whether the store took it.
import { concatMap, from, map, timer, type Subscription } from 'rxjs';
import type { CheckpointPosition, Lease, ShardLineage } from '../../src/checkpointers/Checkpointer.js';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import type { TestKinesis } from '../support/kinesis.js';
import type { SpiedWrite } from '../support/spyCheckpointer.js';
import type { ProcessedLedger } from '../support/streamRecords.js';

/** A position write a worker asked its checkpointer for. */
export interface GroupWrite extends SpiedWrite {
  readonly worker: string;
  /** Date.now() at the call. */
  readonly at: number;
  /** The store's answer, once it came (false: not stored, e.g. behind the stored one). */
  accepted?: boolean;
}

export interface InProcessWorker {
  readonly id: string;
  readonly consumer: KinesisConsumerObservable;
  readonly checkpointer: LeaseCoordinator;
  readonly events: { readonly at: number; readonly event: ConsumerEvent }[];
}

export class InProcessGroup {
  /** Every position and SHARD_END write of every worker, in call order. */
  readonly writes: GroupWrite[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly workers: InProcessWorker[] = [];

  /** `processed`: what every worker's pipelines processed, recorded with each write. */
  constructor(
    private readonly kinesis: TestKinesis,
    private readonly streamName: string,
    private readonly processed: ProcessedLedger,
  ) {}

  /** Starts a worker (no subscriber yet: see `pipeline`). The group closes `checkpointer`. */
  start(id: string, checkpointer: LeaseCoordinator): InProcessWorker {
    const write = checkpointer.checkpoint.bind(checkpointer);
    checkpointer.checkpoint = async (lease: Lease, position: CheckpointPosition) => {
      const entry: GroupWrite = {
        worker: id,
        at: Date.now(),
        shardId: lease.shardId,
        position,
        seen: this.processed.snapshot(lease.shardId),
      };
      this.writes.push(entry);
      entry.accepted = await write(lease, position);
      return entry.accepted;
    };
    const markShardEnd = checkpointer.markShardEnd.bind(checkpointer);
    checkpointer.markShardEnd = async (lease: Lease, lineage?: ShardLineage) => {
      const entry: GroupWrite = {
        worker: id,
        at: Date.now(),
        shardId: lease.shardId,
        position: 'SHARD_END',
        seen: this.processed.snapshot(lease.shardId),
      };
      this.writes.push(entry);
      await markShardEnd(lease, lineage);
      entry.accepted = true;
    };
    const consumer = fromKinesis({
      streamName: this.streamName,
      endpoint: this.kinesis.endpoint,
      region: this.kinesis.region,
      credentials: this.kinesis.credentials,
      checkpointer,
      workerId: id,
      sleepTimeNoRecords: 100,
      takeoverGraceMs: 0,
    });
    const worker: InProcessWorker = { id, consumer, checkpointer, events: [] };
    this.workers.push(worker);
    this.subscriptions.push(
      consumer.events$.subscribe((event) => worker.events.push({ at: Date.now(), event })),
    );
    return worker;
  }

  /**
   * Subscribes a checkpointed pipeline to the worker: `handlerMs` per record, one at a time, then
   * the record is added to `ledgers` and passes checkpoint() (a write every record or 50 ms).
   */
  pipeline(
    worker: InProcessWorker,
    handlerMs: number,
    ledgers: readonly ProcessedLedger[],
    /** Records wait for it before their handler starts (records held in flight until it resolves). */
    gate?: Promise<void>,
  ): Subscription {
    const subscription = worker.consumer
      .pipe(
        concatMap((record: KinesisRecord) =>
          gate !== undefined
            ? from(gate).pipe(
                concatMap(() => timer(handlerMs)),
                map(() => record),
              )
            : handlerMs === 0
              ? [record]
              : timer(handlerMs).pipe(map(() => record)),
        ),
        map((record) => {
          for (const ledger of ledgers) ledger.add(record.shardId, record.sequenceNumber);
          return record;
        }),
        checkpoint({ batchSize: 1, intervalMs: 50 }),
      )
      .subscribe();
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Unsubscribes everything, waits for every consumer to stop, closes the checkpointers. */
  async close(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.consumer.stopped()));
    await Promise.all(workers.map((worker) => worker.checkpointer.close()));
  }
}

/** The worker's event types, for failure messages. */
export function eventTypes(worker: InProcessWorker): string {
  return worker.events.map(({ event }) => event.type).join(', ');
}

/** Leases of the shard the worker holds by its events: acquired, less released or lost. */
export function heldBy(worker: InProcessWorker, shardId: string): number {
  let held = 0;
  for (const { event } of worker.events) {
    if (!('shardId' in event) || event.shardId !== shardId) continue;
    if (event.type === 'lease-acquired') held += 1;
    else if (event.type === 'lease-released' || event.type === 'lease-lost') held -= 1;
  }
  return held;
}

/** The stores a group test runs on. */
export type GroupStore = 'redis' | 'dynamodb';

/** Where a group test's stores are, and the group's session timing. */
export interface GroupStores {
  readonly redisUrl: string;
  readonly dynamo: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Checkpointer name on Redis (its keys are under `keys`). */
  readonly name: string;
  readonly sessionMs: number;
  readonly heartbeatMs: number;
  /** How long a handed-over lease stays reserved for its requester (the store's default if left out). */
  readonly handoffReservationMs?: number;
}

/** Opens a group checkpointer on the store; every worker of a group test shares `keys`. */
export function groupCheckpointer(store: GroupStore, keys: string, stores: GroupStores): LeaseCoordinator {
  const reservation =
    stores.handoffReservationMs === undefined ? {} : { handoffReservationMs: stores.handoffReservationMs };
  return store === 'redis'
    ? new RedisCheckpointer({
        redis: stores.redisUrl,
        name: stores.name,
        keyPrefix: keys,
        sessionTimeout: stores.sessionMs,
        heartbeatInterval: stores.heartbeatMs,
        ...reservation,
      })
    : new DynamoDBCheckpointer({
        endpoint: stores.dynamo.endpoint,
        region: stores.dynamo.region,
        credentials: stores.dynamo.credentials,
        tableName: keys,
        failoverTimeMs: stores.sessionMs,
        heartbeatIntervalMs: stores.heartbeatMs,
        ...reservation,
      });
}
