import { connect } from 'node:http2';
import { PutRecordCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisOptions } from '../../src/local/LocalKinesisOptions.js';
import { activeConsumer, dataOf, EventReader, http2Client } from './fanOutClient.js';

const SHARD = 'shardId-000000000000';
const MIB = 1024 * 1024;

async function withLocal(
  options: LocalKinesisOptions,
  run: (local: LocalKinesis, client: KinesisClient) => Promise<void>,
): Promise<void> {
  const local = await startLocalKinesis({
    streams: { faulty: 1 },
    ...options,
    efo: { consumerStatusDelayMs: 0, idleEventIntervalMs: 200, ...options.efo },
  });
  const client = http2Client(local);
  try {
    await run(local, client);
  } finally {
    client.destroy();
    await local.close();
  }
}

async function put(client: KinesisClient, data: string): Promise<string> {
  const answer = await client.send(
    new PutRecordCommand({ StreamName: 'faulty', PartitionKey: 'k', Data: Buffer.from(data) }),
  );
  return answer.SequenceNumber!;
}

/** What ends a subscription's events: the kind of its first message that is not an event. */
async function kindAfterEvents(reader: EventReader): Promise<string> {
  for (let events = 0; events < 1000; events += 1) {
    const { kind } = await reader.next();
    if (kind !== 'event') return kind;
  }
  return 'more than 1,000 events';
}

/** Subscribes, retrying while the previous subscription of the consumer is still being released. */
async function subscribeWhenFree(
  client: KinesisClient,
  consumerArn: string,
  position: Parameters<typeof EventReader.subscribe>[3],
): Promise<EventReader> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await EventReader.subscribe(client, consumerArn, SHARD, position);
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('local Kinesis SubscribeToShard faults', () => {
  it('drops the connection of a subscription mid-stream when told to; the client can resubscribe', async () => {
    await withLocal({}, async (local, client) => {
      const consumerArn = await activeConsumer(client, 'faulty', 'dropped');
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
      const first = await reader.event();
      expect(local.dropSubscriptions({ consumerName: 'other' })).toBe(0);
      expect(local.dropSubscriptions({ consumerName: 'dropped', shardId: SHARD })).toBe(1);
      // The SDK's HTTP/2 handler reports a reset connection as the end of the event stream.
      expect(['end', 'error']).toContain((await reader.next()).kind);
      expect(local.stats.injectedSubscriptionDrops).toBe(1);
      const sequenceNumber = await put(client, 'after the drop');
      const resumed = await subscribeWhenFree(client, consumerArn, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: first.ContinuationSequenceNumber!,
      });
      const events = await resumed.eventsWithRecords(1);
      expect(dataOf(events)).toEqual(['after the drop']);
      expect(events[events.length - 1]!.ContinuationSequenceNumber).toBe(sequenceNumber);
      resumed.cancel();
    });
  });

  it('drops the connection with a TCP reset, not a clean end of the stream', async () => {
    await withLocal({}, async (local, client) => {
      const consumerArn = await activeConsumer(client, 'faulty', 'raw');
      const session = connect(local.endpoint);
      session.on('error', () => undefined);
      try {
        const request = session.request({
          ':method': 'POST',
          ':path': '/',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
          'x-amz-date': '20260101T000000Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
        });
        request.end(
          JSON.stringify({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } }),
        );
        let received = 0;
        const firstData = new Promise<void>((resolve) => request.once('data', () => resolve()));
        request.on('data', (chunk: Buffer) => (received += chunk.length));
        const ended = new Promise<string>((resolve) => {
          request.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${String(error.code)}`));
          request.on('end', () => resolve('end'));
        });
        await firstData;
        expect(received).toBeGreaterThan(0);
        expect(local.dropSubscriptions()).toBe(1);
        expect(await ended).toBe('error ECONNRESET');
      } finally {
        session.destroy();
      }
    });
  });

  it('leaves a silenced subscription open and quiet until the client gives up', async () => {
    // No takeover by a newer call during this test, however slow the machine.
    await withLocal({ efo: { takeoverAfterMs: 600_000 } }, async (local, client) => {
      const consumerArn = await activeConsumer(client, 'faulty', 'silenced');
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' });
      const first = await reader.event();
      expect(local.silenceSubscriptions({ streamName: 'faulty' })).toBe(1);
      await put(client, 'unseen');
      // Idle events come every 200 ms; a silent stream sends none (bar one written before it fell
      // silent), nor the new record.
      for (;;) {
        const outcome = await reader.next(1500);
        if (outcome.kind === 'timeout') break;
        expect(outcome.kind).toBe('event');
        if (outcome.kind === 'event') expect(outcome.event.Records).toEqual([]);
      }
      expect(local.stats.injectedSilentSubscriptions).toBe(1);
      // The half-open subscription holds its slot until the client leaves it (or a call after
      // takeoverAfterMs takes it over).
      const refused = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'LATEST' }).catch(
        (caught: unknown) => caught,
      );
      expect((refused as Error).name).toBe('ResourceInUseException');
      reader.cancel();
      const resumed = await subscribeWhenFree(client, consumerArn, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: first.ContinuationSequenceNumber!,
      });
      expect(dataOf(await resumed.eventsWithRecords(1))).toEqual(['unseen']);
      resumed.cancel();
    });
  });

  it('drops connections at the configured rate', async () => {
    await withLocal({ faults: { subscriptionDropRate: 1 } }, async (local, client) => {
      const consumerArn = await activeConsumer(client, 'faulty', 'unlucky');
      // Every event is replaced by a dropped connection: the initial response, then the error.
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'TRIM_HORIZON' });
      expect(['end', 'error']).toContain((await reader.next()).kind);
      expect(local.stats.injectedSubscriptionDrops).toBe(1);
      expect(local.stats.fanOutEvents).toBe(0);
    });
  });

  it('silences subscriptions at the configured rate', async () => {
    await withLocal({ faults: { silentSubscriptionRate: 1 } }, async (local, client) => {
      const consumerArn = await activeConsumer(client, 'faulty', 'muted');
      await put(client, 'never sent');
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'TRIM_HORIZON' });
      expect((await reader.next(1500)).kind).toBe('timeout');
      expect(local.stats.injectedSilentSubscriptions).toBe(1);
      expect(local.stats.fanOutEvents).toBe(0);
      reader.cancel();
    });
  });

  it('close() ends open and silent subscriptions and waits for them', async () => {
    await withLocal({}, async (local, client) => {
      const reading = await EventReader.subscribe(
        client,
        await activeConsumer(client, 'faulty', 'open'),
        SHARD,
        {
          Type: 'LATEST',
        },
      );
      await reading.event();
      const quiet = await EventReader.subscribe(
        client,
        await activeConsumer(client, 'faulty', 'quiet'),
        SHARD,
        {
          Type: 'LATEST',
        },
      );
      await quiet.event();
      expect(local.silenceSubscriptions({ consumerName: 'quiet' })).toBe(1);
      await local.close();
      // Events sent before the close (one each idleEventIntervalMs) may still be unread: then the end.
      expect(['end', 'error']).toContain(await kindAfterEvents(reading));
      expect(['end', 'error']).toContain(await kindAfterEvents(quiet));
    });
  });

  it('does not read ahead of a client that does not read (flow control)', async () => {
    await withLocal({}, async (local, client) => {
      const data = new Uint8Array(256 * 1024);
      for (let batch = 0; batch < 4; batch += 1) {
        // 16 MiB in all, on one shard.
        await client.send(
          new PutRecordsCommand({
            StreamName: 'faulty',
            Records: Array.from({ length: 16 }, (_, i) => ({ Data: data, PartitionKey: `${batch}-${i}` })),
          }),
        );
      }
      const consumerArn = await activeConsumer(client, 'faulty', 'slow');
      const reader = await EventReader.subscribe(client, consumerArn, SHARD, { Type: 'TRIM_HORIZON' });
      // The client reads nothing for a while: the server sends what flow control lets through.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const sentWhilePaused = local.stats.fanOutBytes;
      expect(sentWhilePaused).toBeLessThanOrEqual(4 * MIB);
      // Then it reads everything.
      // 16 MiB at a shard's 2 MiB/s: 8 s on a quiet machine, much longer on a loaded one.
      const events = await reader.eventsWithRecords(64, 120_000);
      expect(events.flatMap((event) => event.Records ?? [])).toHaveLength(64);
      expect(local.stats.fanOutBytes).toBeGreaterThanOrEqual(16 * MIB);
      reader.cancel();
    });
  }, 200_000);
});
