import {
  ListShardsCommand,
  PutRecordCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { untilActive } from '../local/untilActive.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { trimmingClient } from '../support/trimmingClient.js';
import { until } from '../support/streamRecords.js';

// The consumer stopped while the listing its refused readings wait on is under way: stopped()
// resolves with no ListShards call of the run left running (the call is aborted, not left to its
// deadline), and no back-off of the listing is scheduled after it.

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let admin: KinesisClient;
beforeAll(async () => {
  kinesis = await startTestKinesis();
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PARENT = 'shardId-000000000000';

/**
 * `client` whose ListShards calls after the first are held: they go to the server only when
 * `release()` is called, and reject at once when their abortSignal aborts (as the SDK does).
 */
function holdingListings(client: KinesisClient) {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  let listings = 0;
  const held = new Set<() => void>();
  const holding = (command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    if (!(command instanceof ListShardsCommand) || (listings += 1) === 1) return send(command, options);
    return new Promise((resolve, reject) => {
      const signal = options?.abortSignal;
      const go = () => {
        held.delete(go);
        signal?.removeEventListener('abort', aborted);
        send(command, options).then(resolve, reject);
      };
      const aborted = () => {
        held.delete(go);
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
      };
      held.add(go);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  };
  const proxy = new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? holding : (Reflect.get(target, property, receiver) as unknown),
  });
  return {
    client: proxy,
    held: () => held.size,
    release: () => {
      for (const go of [...held]) go();
    },
  };
}

test('stopped while the shared listing is under way: the call ends with the run', async () => {
  const streamName = uniqueStreamName('gone-stop');
  await kinesis.createStream(streamName, 2);
  await admin.send(
    new UpdateShardCountCommand({
      StreamName: streamName,
      TargetShardCount: 4,
      ScalingType: 'UNIFORM_SCALING',
    }),
  );
  await untilActive(admin, streamName);
  await admin.send(
    new PutRecordCommand({ StreamName: streamName, Data: Buffer.from('r'), PartitionKey: 'k' }),
  );
  const trimmed = new Set<string>();
  const base = kinesis.createClient();
  const holder = holdingListings(
    trimmingClient(base, trimmed, { afterListShards: () => trimmed.add(PARENT) }),
  );
  const consumer = fromKinesis({
    streamName,
    client: holder.client,
    checkpointer: new MemoryCheckpointer(),
    iteratorType: 'TRIM_HORIZON',
    shardRefreshInterval: 600_000,
    sleepTimeNoRecords: 20,
    retryLimit: 2,
    expoBackoff: 10,
  });
  const events: ConsumerEvent[] = [];
  const eventSubscription = consumer.events$.subscribe((event) => events.push(event));
  let failure: unknown;
  const subscription = consumer
    .pipe(checkpoint())
    .subscribe({ error: (error: unknown) => (failure = error) });
  try {
    // The parent's read is refused: its reading waits on a listing, held.
    await until(() => holder.held() > 0, 'the listing of the refused reading');
    subscription.unsubscribe();
    await consumer.stopped();
    const leftRunning = holder.held();
    holder.release();
    await sleep(100);
    expect(failure).toBeUndefined();
    expect(leftRunning).toBe(0);
    const stoppedAt = events.findIndex((event) => event.type === 'consumer-stopped');
    expect(stoppedAt).toBeGreaterThanOrEqual(0);
    expect(events.slice(stoppedAt + 1)).toEqual([]);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    eventSubscription.unsubscribe();
    base.destroy();
  }
});
