// Intervals and waits past the longest timer (2^31 - 1 ms) are valid options, but Node runs such
// a timer after 1 ms: a shard refresh every 2^31 ms ("as good as never") turned into a ListShards
// call every millisecond. They are now waited as long as a timer can (about 24.8 days).
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Lease } from '../../src/checkpointers/Checkpointer.js';
import { firstValueFrom, Subject, take, toArray } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;

beforeAll(async () => {
  kinesis = await startTestKinesis({ embedded: true });
});

afterAll(async () => {
  await kinesis.close();
});

/** A client that counts the ListShards calls made through it. */
function countingClient(): { client: KinesisClient; listShards: () => number } {
  const client = kinesis.createClient();
  let count = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ListShardsCommand') count += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countListShards' },
  );
  return { client, listShards: () => count };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('fromKinesis shardRefreshInterval 2^31 ms does not list the shards every millisecond', async () => {
  const streamName = uniqueStreamName('refresh');
  await kinesis.createStream(streamName, 1);
  const { client, listShards } = countingClient();
  const writer = new Producer<string>({ streamName, client: kinesis.createClient() });
  await writer.put('one');
  await writer.close();
  const first = firstValueFrom(
    fromKinesis({ streamName, client, shardRefreshInterval: 2 ** 31, sleepTimeNoRecords: 2 ** 31 }).pipe(
      take(1),
      toArray(),
    ),
  );
  // Keep the consumer running a while after its first record: take(1) ends it once read.
  const running = fromKinesis({ streamName, client, shardRefreshInterval: 2 ** 31 }).subscribe();
  try {
    await first;
    const before = listShards();
    await sleep(1_000);
    expect(listShards() - before).toBeLessThan(5);
  } finally {
    running.unsubscribe();
  }
});

test('checkpoint() intervalMs 2^31 ms does not write every millisecond', async () => {
  const streamName = uniqueStreamName('interval');
  await kinesis.createStream(streamName, 1);
  const writer = new Producer<string>({ streamName, client: kinesis.createClient() });
  await writer.put('one');
  await writer.close();
  const checkpointer = new MemoryCheckpointer();
  const read = new Subject<void>();
  const running = fromKinesis({ streamName, client: kinesis.createClient() })
    .pipe(checkpoint(checkpointer, { batchSize: 1000, intervalMs: 2 ** 31 }))
    .subscribe(() => read.next());
  try {
    await firstValueFrom(read);
    await sleep(500);
    // One record of a batch of 1000: nothing is written before the interval.
    await expect(checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).resolves.toBeUndefined();
  } finally {
    running.unsubscribe();
  }
});

test('Producer bufferTime 2^31 ms holds a record until a flush, not for 1 ms', async () => {
  const streamName = uniqueStreamName('buffer');
  await kinesis.createStream(streamName, 1);
  const producer = new Producer<string>({ streamName, client: kinesis.createClient(), bufferTime: 2 ** 31 });
  try {
    const sent = producer.send('one').then(() => 'sent');
    const outcome = await Promise.race([sent, sleep(1_000).then(() => 'waiting')]);
    expect(outcome).toBe('waiting');
    await producer.flush();
    await expect(sent).resolves.toBe('sent');
  } finally {
    await producer.close();
  }
});

/** A store whose first lease call fails, as one dropped connection would. */
class FlakyCheckpointer extends MemoryCheckpointer {
  private failed = false;

  override async acquireLease(
    streamName: string,
    shardId: string,
    owner: string,
  ): Promise<Lease | undefined> {
    if (!this.failed) {
      this.failed = true;
      throw new Error('connection dropped');
    }
    return super.acquireLease(streamName, shardId, owner);
  }
}

test('fromKinesis checkpointerTimeoutMs 2^31 ms: one failed checkpointer call does not fail the consumer', async () => {
  const streamName = uniqueStreamName('health');
  await kinesis.createStream(streamName, 1);
  const writer = new Producer<string>({ streamName, client: kinesis.createClient() });
  await writer.put('one');
  await writer.close();
  const consumer = fromKinesis({
    streamName,
    client: kinesis.createClient(),
    checkpointer: new FlakyCheckpointer(),
    checkpointerTimeoutMs: 2 ** 31,
  });
  await expect(firstValueFrom(consumer)).resolves.toMatchObject({ partitionKey: expect.any(String) });
});
