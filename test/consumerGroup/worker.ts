// One worker of a consumer group, run as a child process by workerGroup.ts:
//   node <test/consumerGroup/worker.ts compiled> '<WorkerConfig as JSON>' (test/support/compiledScript.ts)
// It consumes with fromKinesis -> deserialize -> report -> checkpoint(redisCheckpointer) and tells
// the parent over IPC about every processed item and every consumer event. An item counts as
// processed once its report reached the IPC channel; only then does it pass checkpoint(), so a
// report is never lost for a checkpointed record, even on SIGKILL. SIGTERM stops gracefully: the
// item being reported finishes, later ones are left for the next owner, the consumer unsubscribes
// (last checkpoints, leases released with handoff, group left) and the process exits 0.
import { EMPTY, from, mergeMap, of } from 'rxjs';
import { DynamoDBCheckpointer } from '../../src/checkpointers/dynamodb/DynamoDBCheckpointer.js';
import type { LeaseCoordinator } from '../../src/checkpointers/LeaseCoordinator.js';
import { RedisCheckpointer } from '../../src/checkpointers/redis/RedisCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisItem } from '../../src/consumer/KinesisItem.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { deserialize } from '../../src/operators/deserialize.js';
import type { WorkerConfig, WorkerEvent, WorkerMessage } from './workerMessages.js';

interface Payload {
  readonly id: number;
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error('worker.ts must run as a forked child process (IPC channel)'));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function describeEvent(event: ConsumerEvent): WorkerEvent {
  const described: WorkerEvent = { type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type') continue;
    if (value instanceof Error) described.error = `${value.name}: ${value.message}`;
    else if (key !== 'start') described[key] = value as WorkerEvent[string];
  }
  return described;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  const checkpointer: LeaseCoordinator =
    config.dynamodb === undefined
      ? new RedisCheckpointer({
          redis: config.redisUrl,
          name: config.group,
          keyPrefix: config.keyPrefix,
          sessionTimeout: config.sessionTimeoutMs,
          heartbeatInterval: config.heartbeatIntervalMs,
          // Give up on a call within about a session, so a Redis outage surfaces as events soon.
          retry: { baseMs: 50, capMs: 500, retryLimit: 3 },
        })
      : new DynamoDBCheckpointer({
          endpoint: config.dynamodb.endpoint,
          region: config.region,
          credentials: config.credentials,
          tableName: config.dynamodb.tableName,
          ...(config.dynamodb.streamIdentifier === undefined
            ? {}
            : { streamIdentifier: config.dynamodb.streamIdentifier }),
          failoverTimeMs: config.sessionTimeoutMs,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          maxAttempts: 3,
        });
  const consumer = fromKinesis({
    streamName: config.streamName,
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.credentials,
    workerId: config.workerId,
    shardFetchRate: 5,
    sleepTimeNoRecords: 100,
    shardRefreshInterval: 5000,
    retryLimit: Number.POSITIVE_INFINITY,
    ...(config.maxQueueSize === undefined ? {} : { maxQueueSize: config.maxQueueSize }),
    ...(config.maxShardConsumers === undefined ? {} : { maxShardConsumers: config.maxShardConsumers }),
    ...(config.enhancedFanOut === undefined ? {} : { enhancedFanOut: config.enhancedFanOut }),
  });
  consumer.events$.subscribe(
    (event) => void send({ kind: 'event', event: describeEvent(event), sentAt: Date.now() }),
  );

  let stopping = false;
  let active: Promise<unknown> = Promise.resolve();
  const subscription = consumer
    .pipe(
      deserialize<Payload>(),
      mergeMap((item: KinesisItem<Payload>) => {
        if (stopping) return EMPTY;
        const delay = config.handlerDelayMs ?? 0;
        const handled = delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
        const reported = handled.then(() => {
          // An abort-aware handler gives up on an item whose lease was lost meanwhile.
          if (config.abortAware === true && item.record.abortSignal?.aborted === true) return false;
          return send({
            kind: 'item',
            shardId: item.shardId,
            sequenceNumber: item.sequenceNumber,
            id: item.data.id,
            sentAt: Date.now(),
          }).then(() => true);
        });
        active = reported;
        return from(reported).pipe(mergeMap((done) => (done ? of(item) : EMPTY)));
      }, 1),
      checkpoint(checkpointer, {
        batchSize: config.checkpointBatchSize,
        intervalMs: config.checkpointIntervalMs,
      }),
    )
    .subscribe({
      error: (error: unknown) => {
        void send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    });

  process.once('SIGTERM', () => {
    stopping = true;
    void (async () => {
      await active.catch(() => undefined);
      subscription.unsubscribe();
      await consumer.stopped();
      await checkpointer.close();
      await send({ kind: 'stopped' });
      process.exit(0);
    })();
  });
  // The parent went away (killed, crashed): do not linger as an orphan.
  process.once('disconnect', () => process.exit(1));
  await send({ kind: 'ready' });
}

void main();
