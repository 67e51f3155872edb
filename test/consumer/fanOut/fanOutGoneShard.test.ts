import { PutRecordCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { tap } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { createSubscriptionClient } from '../../../src/kinesis/createSubscriptionClient.js';
import type { LocalKinesis } from '../../../src/local/index.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { untilActive } from '../../local/untilActive.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { waitFor } from '../../support/streamRecords.js';
import { trimmingClient } from '../../support/trimmingClient.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

// Enhanced fan-out: a shard trimmed after the listing that showed it, its SubscribeToShard
// answered ResourceNotFoundException, is read as ended, not as a deleted stream.

jest.setTimeout(60_000);

let kinesis: LocalKinesis;
let admin: KinesisClient;
beforeAll(async () => {
  kinesis = await startFanOutKinesis();
  admin = kinesis.createClient();
});
afterAll(async () => {
  admin.destroy();
  await kinesis.close();
});

const PARENT = 'shardId-000000000000';

function put(streamName: string, data: string, hashKey: string) {
  return admin.send(
    new PutRecordCommand({
      StreamName: streamName,
      Data: Buffer.from(data),
      PartitionKey: 'k',
      ExplicitHashKey: hashKey,
    }),
  );
}

test('a shard trimmed after the listing that showed it (SubscribeToShard answers ResourceNotFound) ends: its children are read', async () => {
  const streamName = uniqueStreamName('efo-gone-shard');
  await kinesis.createStream(streamName, 1);
  await put(streamName, 'parent', '5000');
  await admin.send(
    new SplitShardCommand({ StreamName: streamName, ShardToSplit: PARENT, NewStartingHashKey: '1000' }),
  );
  await untilActive(admin, streamName);
  await put(streamName, 'low', '0');
  await put(streamName, 'high', '5000');
  const trimmed = new Set<string>();
  const connection = {
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: { ...kinesis.credentials },
  };
  const subscriptions = createSubscriptionClient(connection);
  const checkpointer = new MemoryCheckpointer();
  const options = fanOutOptions(kinesis, streamName, 'gone-shard-reader', {
    // The first listing shows the parent; it is trimmed right after.
    client: trimmingClient(kinesis.createClient(), trimmed, { afterListShards: () => trimmed.add(PARENT) }),
    checkpointer,
    iteratorType: 'TRIM_HORIZON',
    shardRefreshInterval: 600_000,
    retryLimit: 2,
    expoBackoff: 10,
  });
  const consumer = fromKinesis({
    ...options,
    enhancedFanOut: { consumerName: 'gone-shard-reader', client: trimmingClient(subscriptions, trimmed) },
  });
  const seen: string[] = [];
  const errors: unknown[] = [];
  const subscription = consumer
    .pipe(
      tap((record) => seen.push(text(record))),
      checkpoint(),
    )
    .subscribe({ error: (error: unknown) => errors.push(error) });
  try {
    await waitFor(() => errors.length > 0 || seen.length >= 2, {
      timeoutMs: 30_000,
      message: () => `read ${seen.join(',')}`,
    });
    expect(errors).toEqual([]);
    expect(seen.sort()).toEqual(['high', 'low']);
    expect(await checkpointer.getCheckpoint(streamName, PARENT)).toEqual({ kind: 'shard-end' });
  } finally {
    subscription.unsubscribe();
    await consumer.stopped();
    subscriptions.destroy();
  }
});
