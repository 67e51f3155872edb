// A split and then a merge while fromKinesis() reads with enhanced fan-out (subscriptions open),
// against the embedded local Kinesis: each parent is read to its end (the last event's
// ChildShards) before its children, no record is lost or read twice, and every parent's checkpoint
// is SHARD_END once its children are read.
import { MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords, waitActive, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from '../../consumer/fanOut/fanOutSupport.js';

jest.setTimeout(120_000);

test('split and merge while subscribed: parents to their end first, every record once, SHARD_END checkpoints', async () => {
  const kinesis = await startFanOutKinesis({ efo: { idleEventIntervalMs: 200 } });
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-live-reshard');
  await kinesis.createStream(streamName, 2);
  const checkpointer = new MemoryCheckpointer();
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'live', { checkpointer, shardRefreshInterval: 300 }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const subscription: Subscription = consumer
    .pipe(checkpoint())
    .subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) });
  const expectRead = (count: number) =>
    waitFor(() => records.length >= count, {
      timeoutMs: 30_000,
      message: () => `read ${records.length} of ${count}`,
    });
  try {
    await putRecords(client, streamName, numbers(100));
    await expectRead(100);
    // Both shards are subscribed now; split one under its open subscription.
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 126n).toString(),
      }),
    );
    await waitActive(client, streamName);
    await putRecords(client, streamName, numbers(100, 100));
    await expectRead(200);
    await client.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: 'shardId-000000000003',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await waitActive(client, streamName);
    await putRecords(client, streamName, numbers(100, 200));
    await expectRead(300);
    const parents: Record<string, string[]> = {
      'shardId-000000000002': ['shardId-000000000000'],
      'shardId-000000000003': ['shardId-000000000000'],
      'shardId-000000000004': ['shardId-000000000003', 'shardId-000000000001'],
    };
    // The children's first records come after every record of their parents.
    await waitFor(
      async () => {
        for (const shardId of ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000003']) {
          const stored = await checkpointer.getCheckpoint(streamName, shardId);
          if (stored?.kind !== 'shard-end') return false;
        }
        return true;
      },
      { timeoutMs: 30_000, message: () => 'parents not at SHARD_END' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).toEqual([]);
    expect(records.map(text).sort()).toEqual(numbers(300).sort());
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    records.forEach((record, index) => {
      if (!first.has(record.shardId)) first.set(record.shardId, index);
      last.set(record.shardId, index);
    });
    for (const [child, of] of Object.entries(parents)) {
      if (!first.has(child)) continue;
      for (const parent of of) expect(first.get(child)).toBeGreaterThan(last.get(parent) ?? -1);
    }
    expect(first.has('shardId-000000000004')).toBe(true);
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    client.destroy();
    await kinesis.close();
  }
});
