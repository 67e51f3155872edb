// A consumer started while its stream is still CREATING (just created by a deploy script or by a
// producer's createStream) waits for the stream to become ACTIVE, as a producer does, and reads
// it. It used to fail once ListShards' retries were spent (about 2 s with the default
// retryLimit) with StreamNotActiveError, though a new stream is CREATING for some seconds.
import { CreateStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { lastValueFrom, Subscription } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

describe('a consumer started while its stream is CREATING', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    // Longer than the listing's retries take (retryLimit 1 below: one back-off of at most 100 ms).
    local = await startLocalKinesis({ streamStatusDelayMs: 3_000 });
  });
  afterAll(() => local.close());

  it('waits for the stream to become ACTIVE and reads it', async () => {
    const streamName = uniqueStreamName('creating');
    const client = local.createClient();
    const subscriptions = new Subscription();
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      const consumer = fromKinesis({
        streamName,
        endpoint: local.endpoint,
        region: local.region,
        credentials: { ...local.credentials },
        retryLimit: 1,
      });
      const events: string[] = [];
      subscriptions.add(consumer.events$.subscribe((event) => events.push(event.type)));
      const read = new Promise<KinesisRecord>((resolve, reject) => {
        subscriptions.add(consumer.subscribe({ next: resolve, error: reject }));
      });
      // The stream is written once ACTIVE (PutRecord is refused while it is CREATING).
      for (;;) {
        try {
          await client.send(
            new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('"hello"') }),
          );
          break;
        } catch (error) {
          // The local Kinesis (kinesalite) answers a write to a CREATING stream as not found.
          const name = (error as { name?: string }).name;
          if (name !== 'ResourceInUseException' && name !== 'ResourceNotFoundException') throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      const record = await read;
      expect(Buffer.from(record.data).toString('utf8')).toBe('"hello"');
      expect(events).toContain('shards-discovered');
      subscriptions.unsubscribe();
      await consumer.stopped();
    } finally {
      subscriptions.unsubscribe();
      client.destroy();
    }
  });

  it('ends its wait at once when unsubscribed', async () => {
    const slow = await startLocalKinesis({ streamStatusDelayMs: 60_000 });
    const streamName = uniqueStreamName('creating-stop');
    const client = slow.createClient();
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      const consumer = fromKinesis({
        streamName,
        endpoint: slow.endpoint,
        region: slow.region,
        credentials: { ...slow.credentials },
        retryLimit: 0,
      });
      let failed: unknown;
      const subscription = consumer.subscribe({ error: (error: unknown) => (failed = error) });
      // Past the listing's refusal (no retries): the consumer now polls the stream's status.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      subscription.unsubscribe();
      const started = Date.now();
      await consumer.stopped();
      // The bound only catches a stop that waits out the stream (a minute here).
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(failed).toBeUndefined();
      // Nothing polls the stream's status any more (it did each second, while it was CREATING).
      const requests = slow.stats.forwardedRequests;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(slow.stats.forwardedRequests).toBe(requests);
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  it('says in its log that it waits for the stream, once, rather than going silent', async () => {
    const streamName = uniqueStreamName('creating-log');
    const client = local.createClient();
    const lines: string[] = [];
    const keep = (line: string) => void lines.push(line);
    let subscription: Subscription | undefined;
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      const consumer = fromKinesis({
        streamName,
        endpoint: local.endpoint,
        region: local.region,
        credentials: { ...local.credentials },
        retryLimit: 0,
        logger: { debug: () => undefined, info: keep, warn: keep, error: keep },
      });
      let failed: unknown;
      let listed = false;
      const events = consumer.events$.subscribe((event) => (listed ||= event.type === 'shards-discovered'));
      subscription = consumer.subscribe({ error: (error: unknown) => (failed = error) });
      subscription.add(events);
      // The stream turns ACTIVE 3 s after its creation (then its shards are listed): the wait
      // begins well before.
      while (!listed) {
        if (failed !== undefined) throw failed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const waiting = lines.filter((line) => line.includes('waiting for the stream'));
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toContain(`streamName=${streamName}`);
      expect(waiting[0]).toContain('timeoutMs=120000');
      subscription.unsubscribe();
      await consumer.stopped();
    } finally {
      subscription?.unsubscribe();
      client.destroy();
    }
  });

  it('still fails at once for a stream that does not exist', async () => {
    const consumer = fromKinesis({
      streamName: uniqueStreamName('missing'),
      endpoint: local.endpoint,
      region: local.region,
      credentials: { ...local.credentials },
    });
    await expect(lastValueFrom(consumer)).rejects.toBeInstanceOf(StreamNotFoundError);
  });
});
