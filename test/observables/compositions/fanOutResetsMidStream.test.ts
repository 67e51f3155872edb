// Subscriptions reset in the middle of their event stream, and made half-open (silent), again and
// again while records are written, against the embedded local Kinesis with its limits: every
// record is read once, in order per shard, and the Observable never errors.
import type { Subscription } from 'rxjs';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import { SubscriptionSilentError } from '../../../src/consumer/errors/SubscriptionSilentError.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { checkpoint } from '../../../src/operators/checkpoint.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from '../../consumer/fanOut/fanOutSupport.js';

jest.setTimeout(120_000);

test('resets and half-open subscriptions mid-stream: every record once, in order, no error', async () => {
  const kinesis = await startFanOutKinesis({ limits: true, efo: { idleEventIntervalMs: 200 } });
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-resets');
  await kinesis.createStream(streamName, 2);
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'resets', {
      enhancedFanOut: { consumerName: 'resets', silenceTimeoutMs: 1500 },
      checkpointer: new MemoryCheckpointer(),
    }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const silentRetries = (): ConsumerEvent[] =>
    events.filter(
      (event) => event.type === 'error-retried' && event.error instanceof SubscriptionSilentError,
    );
  const subscriptions: Subscription[] = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer.pipe(checkpoint()).subscribe({ next: (r) => records.push(r), error: (e) => errors.push(e) }),
  ];
  try {
    let written = 0;
    let dropped = 0;
    let silenced = 0;
    for (let round = 0; round < 12; round += 1) {
      await putRecords(client, streamName, numbers(25, written));
      written += 25;
      await new Promise((resolve) => setTimeout(resolve, 150));
      // The consumer subscribes again after each reset; on a loaded machine that can take longer
      // than the pause above: act on subscriptions only once there are some.
      await waitFor(() => kinesis.subscriptions({ streamName }).length > 0, {
        timeoutMs: 30_000,
        message: () => `no subscription open in round ${round}`,
      });
      if (round % 4 === 3) {
        const before = silentRetries().length;
        const now = kinesis.silenceSubscriptions({ streamName });
        silenced += now;
        // A reset in the next round would end a silent subscription before its watchdog (1.5 s)
        // could tell: wait for the watchdog first.
        if (now > 0)
          await waitFor(() => silentRetries().length > before, {
            timeoutMs: 30_000,
            message: () => 'no SubscriptionSilentError retried after the subscriptions went silent',
          });
      } else dropped += kinesis.dropSubscriptions({ streamName });
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await putRecords(client, streamName, numbers(25, written));
    written += 25;
    await waitFor(() => records.length >= written, {
      timeoutMs: 60_000,
      message: () => `read ${records.length} of ${written}`,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(dropped).toBeGreaterThan(0);
    expect(silenced).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(records.map(text).sort()).toEqual(numbers(written).sort());
    for (const shardId of new Set(records.map((record) => record.shardId))) {
      const sequence = records
        .filter((record) => record.shardId === shardId)
        .map((record) => BigInt(record.sequenceNumber));
      expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    expect(silentRetries().length).toBeGreaterThan(0);
  } finally {
    for (const s of subscriptions) s.unsubscribe();
    await consumer.stopped();
    client.destroy();
    await kinesis.close();
  }
});
