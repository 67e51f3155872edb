// Case: positions finished while the checkpoint store was unreachable. The store fails every
// write, then every renewal too, long enough for the lease deadline to pass, so the shard stops
// and its lease is lost with a finished position unwritten. When the store answers again and the worker
// takes the shard back, that position is written before reading resumes: nothing processed
// before the outage is delivered again (once, the whole shard was replayed), and stats() shows it
// as the shard's last checkpoint.
import type { Subscription } from 'rxjs';
import {
  checkpoint,
  fromKinesis,
  MemoryCheckpointer,
  type ConsumerEvent,
  type KinesisRecord,
} from '../../../src/index.js';
import { FlakyStore } from '../../support/flakyStore.js';
import { uniqueStreamName } from '../../support/kinesis.js';
import { pollingConnection } from '../../support/pollingConnection.js';
import { useTestKinesis } from '../../support/useTestKinesis.js';
import { numbers, putRecords, waitFor } from '../../support/streamRecords.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

test('a position finished during a store outage is written when the lease comes back, before reading resumes', async () => {
  const streamName = uniqueStreamName('outage');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  const memory = new MemoryCheckpointer({ leaseDurationMs: 900 });
  const store = new FlakyStore(memory);
  const consumer = fromKinesis({
    streamName,
    ...pollingConnection(kinesis),
    shardRefreshInterval: 200,
    checkpointer: store,
  });
  const events: ConsumerEvent[] = [];
  consumer.events$.subscribe((event) => events.push(event));
  const seen = new Map<string, number>();
  let subscription: Subscription | undefined;
  try {
    subscription = consumer
      .pipe(checkpoint({ batchSize: 1000, intervalMs: 100 }))
      .subscribe((record: KinesisRecord) => {
        const text = Buffer.from(record.data).toString();
        seen.set(text, (seen.get(text) ?? 0) + 1);
      });
    await waitFor(() => events.some((e) => e.type === 'shard-started'), {
      timeoutMs: 30_000,
      message: () => 'the shard never started',
    });
    // The store goes down; 50 records are processed but their position cannot be written.
    // Renewals fail only once they are processed: had the lease deadline passed first (a slow
    // put on a loaded machine), the shard would have been lost with nothing finished.
    store.writesDown = true;
    const written = await putRecords(client, streamName, numbers(50));
    await waitFor(() => seen.size === 50, {
      timeoutMs: 30_000,
      message: () => `processed ${seen.size} of 50`,
    });
    store.renewalsDown = true;
    await waitFor(() => events.some((e) => e.type === 'lease-lost'), {
      timeoutMs: 30_000,
      message: () => 'the lease deadline never stopped the shard',
    });
    expect(await memory.getCheckpoint(streamName, 'shardId-000000000000')).toBeUndefined();
    // The store is back: the worker takes the shard again and writes what it had finished first.
    const startsBefore = events.filter((e) => e.type === 'shard-started').length;
    // Taken back while the store was down, the shard did not start: its position could not be written.
    expect(startsBefore).toBe(1);
    store.writesDown = false;
    store.renewalsDown = false;
    await waitFor(() => events.filter((e) => e.type === 'shard-started').length > startsBefore, {
      timeoutMs: 30_000,
      message: () => 'the shard was never taken back',
    });
    const restart = events.map((e) => e.type).lastIndexOf('shard-started');
    const before = events.slice(0, restart);
    expect(before.at(-1)).toEqual(expect.objectContaining({ type: 'checkpoint-written' }));
    expect(events[restart]).toMatchObject({
      start: { iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: written.at(-1)?.sequenceNumber },
    });
    // stats() tells that write: the shard's last checkpoint is the position written on taking it back.
    const shard = consumer.stats().shards.find((entry) => entry.shardId === 'shardId-000000000000');
    expect(shard?.checkpoint).toMatchObject({ sequenceNumber: written.at(-1)?.sequenceNumber });
    // More records: read once, and nothing before the outage again.
    await putRecords(client, streamName, numbers(10, 50));
    await waitFor(() => seen.size === 60, {
      timeoutMs: 30_000,
      message: () => `processed ${seen.size} of 60`,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  } finally {
    subscription?.unsubscribe();
    await consumer.stopped();
    client.destroy();
  }
});
