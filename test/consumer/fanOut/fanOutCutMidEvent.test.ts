// A subscription's connection cut in the middle of an event (the client got part of it): the
// consumer subscribes again from after the last record it emitted, reads every record once and
// in order, and does not fail.
import type { ConsumerEvent } from '../../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../../src/consumer/KinesisRecord.js';
import { MemoryCheckpointer } from '../../../src/checkpointers/MemoryCheckpointer.js';
import { ConnectionError } from '../../../src/kinesis/errors/ConnectionError.js';
import { CuttingRelay } from '../../support/cuttingRelay.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { putRecords, waitFor } from '../../support/streamRecords.js';
import { fanOutOptions, fromKinesis, startFanOutKinesis, text } from './fanOutSupport.js';

jest.setTimeout(120_000);

test('a connection cut inside an event is retried from the last emitted record, not an error', async () => {
  const kinesis = await startFanOutKinesis();
  const relay = new CuttingRelay(new URL(kinesis.endpoint));
  await relay.up();
  const client = kinesis.createClient();
  const streamName = uniqueStreamName('efo-cut');
  await kinesis.createStream(streamName, 1);
  // 60 records of 20 KB: the first event holds them all, far more than the bytes let through.
  const data = Array.from({ length: 60 }, (_, i) => `${i}:${'x'.repeat(20_000)}`);
  await putRecords(client, streamName, data);
  relay.cutAfter(150_000);
  const consumer = fromKinesis(
    fanOutOptions(kinesis, streamName, 'cut', {
      endpoint: relay.endpoint,
      checkpointer: new MemoryCheckpointer(),
    }),
  );
  const records: KinesisRecord[] = [];
  const errors: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const subscriptions = [
    consumer.events$.subscribe((event) => events.push(event)),
    consumer.subscribe({ next: (record) => records.push(record), error: (error) => errors.push(error) }),
  ];
  try {
    await waitFor(() => records.length >= data.length || errors.length > 0, {
      timeoutMs: 60_000,
      message: () => `read ${records.length} of ${data.length}`,
    });
    expect(errors).toEqual([]);
    expect(relay.cuts).toBe(1);
    const retried = events.flatMap((event) => (event.type === 'error-retried' ? [event.error] : []));
    expect(retried).toEqual([expect.any(ConnectionError)]);
    expect(retried[0]?.message).toMatch(/Truncated event message/);
    expect(records.map(text)).toEqual(data);
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await consumer.stopped();
    await relay.down();
    await kinesis.close();
  }
});
