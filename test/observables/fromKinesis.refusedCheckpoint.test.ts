import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { CheckpointPosition, Lease } from '../../src/checkpointers/Checkpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A position later than any the stream holds. */
const AHEAD: CheckpointPosition = { sequenceNumber: '9'.repeat(56) };

/**
 * A MemoryCheckpointer whose store is moved past every position before the consumer's own write
 * (as another writer of the lease would): each of the consumer's writes would move it backwards,
 * so checkpoint() answers false and stores nothing.
 */
class StoreAhead extends MemoryCheckpointer {
  override async checkpoint(lease: Lease, position: CheckpointPosition): Promise<boolean> {
    await super.checkpoint(lease, AHEAD);
    return super.checkpoint(lease, position);
  }
}

test('a write the checkpointer refuses (false: it would move backwards) is no checkpoint-written but a checkpoint-refused', async () => {
  const streamName = uniqueStreamName('refused-checkpoint');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: Array.from({ length: 5 }, (_, i) => ({ Data: Buffer.from(`${i}`), PartitionKey: 'k' })),
    }),
  );
  const checkpointer = new StoreAhead();
  const consumer = fromKinesis({ streamName, client, iteratorType: 'TRIM_HORIZON', checkpointer });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  let received = 0;
  const subscription = consumer.pipe(checkpoint({ intervalMs: 10 })).subscribe(() => (received += 1));
  const deadline = Date.now() + 30_000;
  while (received < 5 && Date.now() < deadline) await sleep(50);
  await sleep(300);
  const [shard] = consumer.stats().shards;
  subscription.unsubscribe();
  await sleep(200);

  expect(received).toBe(5);
  expect(events.filter((event) => event.type === 'checkpoint-written')).toEqual([]);
  // Each refusal is told as such, with the position refused.
  const refused = events.filter((event) => event.type === 'checkpoint-refused');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]).toEqual({
    type: 'checkpoint-refused',
    shardId: 'shardId-000000000000',
    position: { sequenceNumber: expect.any(String) as string },
  });
  expect(shard?.checkpoint).toBeUndefined();
  // The store holds the later position, as it said.
  expect(await checkpointer.getCheckpoint(streamName, 'shardId-000000000000')).toEqual({
    kind: 'position',
    position: AHEAD,
  });
});
