// One worker of a fan-out group with Redis leases, run as a child process by
// fanOutRedisProcesses.test.ts: reads with enhanced fan-out through checkpoint(), sends each
// record's text over IPC, and on the 'stop' message stops (its checkpoints written) and exits.
//   node <test/observables/compositions/fanOutRedisWorker.ts compiled> '<WorkerConfig as JSON>'
import { RedisCheckpointer } from '../../../src/checkpointers/redis/RedisCheckpointer.js';
import { fromKinesis } from '../../../src/observables/fromKinesis.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';

export interface WorkerConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streamName: string;
  readonly consumerName: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly workerId: string;
}

export type WorkerMessage =
  | { readonly type: 'record'; readonly text: string; readonly shardId: string }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'stopped' };

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const checkpointer = new RedisCheckpointer({
  redis: config.redisUrl,
  name: config.consumerName,
  keyPrefix: config.keyPrefix,
  sessionTimeout: 3000,
  heartbeatInterval: 300,
});
const consumer = fromKinesis({
  streamName: config.streamName,
  endpoint: config.endpoint,
  region: config.region,
  credentials: config.credentials,
  enhancedFanOut: { consumerName: config.consumerName },
  checkpointer,
  workerId: config.workerId,
  shardRefreshInterval: 300,
});
const send = (message: WorkerMessage): void => {
  process.send?.(message);
};
const subscription = consumer.pipe(checkpoint({ batchSize: 5 })).subscribe({
  next: (record) =>
    send({ type: 'record', text: Buffer.from(record.data).toString(), shardId: record.shardId }),
  error: (error: unknown) => send({ type: 'error', message: String(error) }),
});
process.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  subscription.unsubscribe();
  void consumer
    .stopped()
    .then(() => checkpointer.close())
    .then(() => process.send?.({ type: 'stopped' } satisfies WorkerMessage, () => process.exit(0)));
});
