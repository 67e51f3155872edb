import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

/** Puts `count` items, flushes, and returns every snapshot metrics$ emitted meanwhile. */
async function snapshotsOf(
  count: number,
  afterFlush?: () => Promise<void>,
): Promise<{ snapshots: ProducerMetricsSnapshot[]; producer: Producer<number> }> {
  const streamName = uniqueStreamName('metrics-queue');
  await kinesis.createStream(streamName, 2);
  const producer = new Producer<number>({
    streamName,
    client: kinesis.createClient(),
    bufferTime: 10,
    batchSize: 25,
    ...(afterFlush === undefined ? {} : { afterFlush }),
  });
  const snapshots: ProducerMetricsSnapshot[] = [];
  producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
  for (let i = 0; i < count; i += 1) await producer.put(i);
  await producer.flush();
  return { snapshots, producer };
}

describe('metrics$ snapshots and the queue', () => {
  it('never counts an item both delivered and queued, and ends with an empty queue once all is delivered', async () => {
    const { snapshots, producer } = await snapshotsOf(100);
    try {
      for (const snapshot of snapshots) {
        expect(snapshot.totals.items + snapshot.totals.failures + snapshot.queue.items).toBeLessThanOrEqual(
          100,
        );
      }
      const last = snapshots[snapshots.length - 1];
      expect(last?.totals.items).toBe(100);
      expect(last?.queue).toEqual({ items: 0, bytes: 0 });
      expect(last).toEqual(producer.metrics());
    } finally {
      await producer.close();
    }
  });

  it('with afterFlush, never counts an item both delivered and queued, and ends with an empty queue once afterFlush is done', async () => {
    const { snapshots, producer } = await snapshotsOf(
      100,
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    );
    try {
      for (const snapshot of snapshots) {
        expect(snapshot.totals.items + snapshot.totals.failures + snapshot.queue.items).toBeLessThanOrEqual(
          100,
        );
      }
      const last = snapshots[snapshots.length - 1];
      expect(last?.totals.items).toBe(100);
      expect(last?.queue).toEqual({ items: 0, bytes: 0 });
      expect(last).toEqual(producer.metrics());
    } finally {
      await producer.close();
    }
  });
});
