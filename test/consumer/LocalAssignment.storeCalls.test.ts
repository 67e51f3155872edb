// Consumers sharing a checkpointer that does not balance (a MemoryCheckpointer shared in one
// process): one refused a lease held by the other tries again every lease renewal period. Each
// such pass asks the store only of the shards it could take (not those it reads itself), and
// once it reads every shard free to it, no pass asks anything (a retry set up while a shard
// was refused included).
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer, fromKinesis, type ConsumerEvent } from '../../src/index.js';
import { FlakyStore } from '../support/flakyStore.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { pollingConnection } from '../support/pollingConnection.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { until } from '../support/streamRecords.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

/** One consumer's view of a shared store, recording the reads and lease attempts it makes. */
class CountingStore extends FlakyStore {
  readonly asked: string[] = [];
  override getCheckpoint(streamName: string, shardId: string) {
    this.asked.push(`get ${shardId}`);
    return super.getCheckpoint(streamName, shardId);
  }
  override acquireLease(streamName: string, shardId: string, owner: string) {
    this.asked.push(`acquire ${shardId}`);
    return super.acquireLease(streamName, shardId, owner);
  }
}

interface Worker {
  readonly store: CountingStore;
  readonly started: string[];
  stop(): Promise<void>;
}

function start(
  streamName: string,
  memory: MemoryCheckpointer,
  options: { maxShardConsumers?: number; shardRefreshInterval: number },
): Worker {
  const store = new CountingStore(memory);
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    checkpointer: store,
    ...options,
  });
  const started: string[] = [];
  const events = consumer.events$.subscribe((event: ConsumerEvent) => {
    if (event.type === 'shard-started') started.push(event.shardId);
  });
  const subscription: Subscription = consumer.subscribe();
  return {
    store,
    started,
    stop: async () => {
      subscription.unsubscribe();
      await consumer.stopped();
      events.unsubscribe();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a pass after a refused lease asks the store only of the shards not read here', async () => {
  const streamName = uniqueStreamName('refusedAsks');
  await kinesis.createStream(streamName, 4);
  // Renewed every second: a refused consumer tries again every second.
  const memory = new MemoryCheckpointer({ leaseDurationMs: 3000 });
  const a = start(streamName, memory, { maxShardConsumers: 2, shardRefreshInterval: 600_000 });
  let b: Worker | undefined;
  try {
    await until(() => a.started.length === 2, 'the first consumer reading 2 shards');
    b = start(streamName, memory, { shardRefreshInterval: 600_000 });
    const other = b;
    await until(() => other.started.length === 2, 'the second consumer reading the other 2');
    other.store.asked.length = 0;
    // Three renewal periods and more: three passes at least, each refused.
    await sleep(3500);
    const asked = [...other.store.asked];
    for (const shardId of a.started) expect(asked).toContain(`acquire ${shardId}`);
    for (const shardId of other.started) {
      expect(asked).not.toContain(`get ${shardId}`);
      expect(asked).not.toContain(`acquire ${shardId}`);
    }
  } finally {
    await b?.stop();
    await a.stop();
  }
});

test('once every free shard was taken, a retry set up for a refused one asks nothing', async () => {
  const streamName = uniqueStreamName('retryAfterTaken');
  await kinesis.createStream(streamName, 2);
  // Renewed every 3 s: the refused consumer's retry is due 3 s after its refusal.
  const memory = new MemoryCheckpointer({ leaseDurationMs: 9000 });
  const a = start(streamName, memory, { shardRefreshInterval: 600_000 });
  let b: Worker | undefined;
  try {
    await until(() => a.started.length === 2, 'the first consumer reading both shards');
    // Its shard listings (every 300 ms) run passes too: one takes the shards once released.
    b = start(streamName, memory, { shardRefreshInterval: 300 });
    const other = b;
    await until(() => other.store.asked.filter((call) => call.startsWith('acquire')).length >= 2, 'refused');
    await a.stop();
    await until(() => other.started.length === 2, 'the second consumer reading both shards');
    other.store.asked.length = 0;
    // Past the retry set up at the refusal, and several listings.
    await sleep(3500);
    expect(other.store.asked).toEqual([]);
  } finally {
    await b?.stop();
    await a.stop();
  }
});
