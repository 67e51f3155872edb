import { PutRecordsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { Subscription } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { untilActive } from './untilActive.js';

jest.setTimeout(60_000);

const HALF = 2n ** 127n;

/** Polls `condition` every 50 ms until it holds or `limitMs` passes. */
async function eventually(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('a LATEST consumer across a split into a child that stays empty for a while', () => {
  let local: LocalKinesis;
  let client: KinesisClient;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    local = await startLocalKinesis({ streams: { latest: 1 } });
    client = local.createClient();
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    client.destroy();
    await local.close();
  });

  async function put(prefix: string, count: number, hashKey: bigint): Promise<void> {
    const answer = await client.send(
      new PutRecordsCommand({
        StreamName: 'latest',
        Records: Array.from({ length: count }, (_, i) => ({
          PartitionKey: 'k',
          ExplicitHashKey: hashKey.toString(),
          Data: Buffer.from(`${prefix}-${i}`),
        })),
      }),
    );
    expect(answer.FailedRecordCount).toBe(0);
  }

  it('reads every record written after it started, including the late ones of the empty child', async () => {
    const seen: string[] = [];
    subscription = fromKinesis({
      streamName: 'latest',
      client,
      iteratorType: 'LATEST',
      sleepTimeNoRecords: 100,
      shardRefreshInterval: 300,
    }).subscribe((record: KinesisRecord) => seen.push(Buffer.from(record.data).toString()));

    // Written until the consumer reads the parent (LATEST starts when its iterator is taken).
    for (let round = 0; round < 100 && !seen.some((text) => text.startsWith('parent')); round += 1) {
      await put(`parent${round}`, 1, 0n);
      await eventually(() => seen.some((text) => text.startsWith('parent')), 200);
    }
    expect(seen.some((text) => text.startsWith('parent'))).toBe(true);

    await client.send(
      new SplitShardCommand({
        StreamName: 'latest',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: HALF.toString(),
      }),
    );
    await untilActive(client, 'latest');
    await put('low', 20, 0n);
    await eventually(() => seen.filter((text) => text.startsWith('low-')).length === 20, 20_000);
    expect(seen.filter((text) => text.startsWith('low-'))).toHaveLength(20);

    // The high child had no record when the consumer asked for its AT_TIMESTAMP iterator.
    await put('high', 20, HALF);
    await eventually(() => seen.filter((text) => text.startsWith('high-')).length === 20, 20_000);
    expect(seen.filter((text) => text.startsWith('high-'))).toHaveLength(20);
  });
});
