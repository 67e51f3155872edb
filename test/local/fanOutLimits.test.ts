import {
  DeregisterStreamConsumerCommand,
  LimitExceededException,
  PutRecordsCommand,
  ResourceInUseException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { activeConsumer, EventReader, http2Client } from './fanOutClient.js';

const SHARD = 'shardId-000000000000';
const MIB = 1024 * 1024;
const RECORD_BYTES = 100 * 1024;

describe('local Kinesis SubscribeToShard limits', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      // Writes are not what is measured here: let them through at any rate.
      limits: { writeBytesPerSecond: 1024 * MIB, writeRecordsPerSecond: 100_000 },
      clock: () => now,
      streams: { limited: 1, throughput: 1 },
      efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 60_000 },
    });
    client = http2Client(local);
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('refuses a second subscription of a consumer to a shard with ResourceInUseException', async () => {
    const consumerArn = await activeConsumer(client, 'limited', 'single');
    const first = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await first.event();
    now += 1000;
    const refused = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
      (caught: unknown) => caught,
    );
    expect(refused).toBeInstanceOf(ResourceInUseException);
    expect(local.subscriptions({ consumerName: 'single' })).toEqual([
      { streamName: 'limited', consumerName: 'single', shardId: SHARD },
    ]);
    expect((refused as Error).message).toBe(
      `Another active subscription exists for this consumer: 000000000000:limited:${SHARD}:single`,
    );
    // Another consumer has its own subscription to the shard.
    const other = await EventReader.subscribe(
      client,
      await activeConsumer(client, 'limited', 'other'),
      SHARD,
      { Type: 'LATEST' },
    );
    await other.event();
    other.cancel();
    // Once the first one is gone, the consumer may subscribe again.
    first.cancel();
    now += 1000;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const again = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
        (caught: unknown) => caught,
      );
      if (again instanceof EventReader) {
        again.cancel();
        break;
      }
      expect(again).toBeInstanceOf(ResourceInUseException);
      if (Date.now() > deadline) throw new Error('the cancelled subscription was never released');
      await new Promise((resolve) => setTimeout(resolve, 20));
      now += 1000;
    }
    expect(local.stats.fanOutRefusedSubscriptions).toBeGreaterThanOrEqual(1);
  });

  it('lets a call 5 s after an open subscription started take it over; the old one ends with ResourceInUseException', async () => {
    const consumerArn = await activeConsumer(client, 'limited', 'taken');
    const takenOverBefore = local.stats.fanOutTakenOverSubscriptions;
    now += 10_000;
    const old = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await old.event();
    now += 4000;
    await expect(
      EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    now += 1000;
    const fresh = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await fresh.event();
    let outcome = await old.next();
    while (outcome.kind === 'event') outcome = await old.next();
    expect(outcome.kind).toBe('error');
    expect((outcome as { error: Error }).error.name).toBe('ResourceInUseException');
    expect(local.subscriptions({ consumerName: 'taken' })).toHaveLength(1);
    expect(local.stats.fanOutTakenOverSubscriptions - takenOverBefore).toBe(1);
    fresh.cancel();
  });

  it('refuses a second SubscribeToShard within one second with LimitExceededException', async () => {
    const consumerArn = await activeConsumer(client, 'limited', 'hasty');
    now += 10_000;
    const first = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    first.cancel();
    now += 999;
    const refused = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
      (caught: unknown) => caught,
    );
    expect(refused).toBeInstanceOf(LimitExceededException);
    now += 1;
    const deadline = Date.now() + 20_000;
    for (;;) {
      // Allowed again a second after the first call (once the cancelled one is released).
      const again = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
        (caught: unknown) => caught,
      );
      if (again instanceof EventReader) {
        again.cancel();
        break;
      }
      expect(again).toBeInstanceOf(ResourceInUseException);
      if (Date.now() > deadline) throw new Error('never allowed again');
      await new Promise((resolve) => setTimeout(resolve, 20));
      now += 1000;
    }
  });

  it('pushes at most 2 MiB per second to a consumer from a shard', async () => {
    const data = new Uint8Array(RECORD_BYTES);
    for (let batch = 0; batch < 2; batch += 1) {
      const put = await client.send(
        new PutRecordsCommand({
          StreamName: 'throughput',
          Records: Array.from({ length: 32 }, (_, i) => ({ Data: data, PartitionKey: `${batch}-${i}` })),
        }),
      );
      expect(put.FailedRecordCount).toBe(0);
    }
    const partitionKeyBytes = (records: number): number => records * 3;
    const consumerArn = await activeConsumer(client, 'throughput', 'metered');
    now += 10_000;
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'TRIM_HORIZON' });
    let records = 0;
    let bytes = 0;
    const behind: number[] = [];
    const readUntil = async (atLeast: number): Promise<void> => {
      while (bytes < atLeast) {
        const event = await reader.event();
        behind.push(event.MillisBehindLatest!);
        for (const record of event.Records ?? []) {
          records += 1;
          bytes += record.Data!.length + record.PartitionKey!.length;
        }
      }
    };
    /** Reads what arrives until the stream has been quiet for a while. */
    const drain = async (): Promise<void> => {
      for (;;) {
        const outcome = await reader.next(1500);
        if (outcome.kind === 'timeout') return;
        if (outcome.kind !== 'event') throw new Error(`expected an event, got ${outcome.kind}`);
        for (const record of outcome.event.Records ?? []) {
          records += 1;
          bytes += record.Data!.length + record.PartitionKey!.length;
        }
      }
    };
    // The clock stands still: one second's budget (2 MiB), and at most one record beyond it.
    await readUntil(2 * MIB - RECORD_BYTES);
    await drain();
    expect(bytes).toBeLessThanOrEqual(2 * MIB + RECORD_BYTES + partitionKeyBytes(records));
    // One more second: 2 MiB more in all (the overdraft of the first second is paid back).
    now += 1000;
    await readUntil(4 * MIB - RECORD_BYTES);
    await drain();
    expect(bytes).toBeLessThanOrEqual(4 * MIB + RECORD_BYTES + partitionKeyBytes(records));
    // The rest arrives as the clock moves on (the bucket holds one second's worth at most).
    for (let second = 0; second < 10 && records < 64; second += 1) {
      now += 1000;
      await drain();
    }
    expect(records).toBe(64);
    // Held back by the budget, the first events are behind the newest record.
    expect(behind[0]).toBeGreaterThan(0);
    expect(local.stats.fanOutThrottledWaits).toBeGreaterThan(0);
    reader.cancel();
  });

  it('ends the subscriptions of a deregistered consumer', async () => {
    const consumerArn = await activeConsumer(client, 'limited', 'leaving');
    now += 10_000;
    const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
    await reader.event();
    await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    expect((await reader.next()).kind).toBe('end');
  });
});

describe('local Kinesis SubscribeToShard lifetime', () => {
  it('ends the event stream cleanly when the subscription lifetime is over', async () => {
    const local = await startLocalKinesis({
      streams: { brief: 1 },
      efo: { consumerStatusDelayMs: 0, subscriptionLifetimeMs: 1500, idleEventIntervalMs: 200 },
    });
    const client = http2Client(local);
    try {
      const consumerArn = await activeConsumer(client, 'brief', 'short-lived');
      const started = Date.now();
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
      let events = 0;
      for (;;) {
        const outcome = await reader.next();
        if (outcome.kind === 'end') break;
        expect(outcome.kind).toBe('event');
        events += 1;
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(events).toBeGreaterThanOrEqual(1);
      // The slot is free again: a new subscription starts at once.
      const next = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
      await next.event();
      next.cancel();
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
