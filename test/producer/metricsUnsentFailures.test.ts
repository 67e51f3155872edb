import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

test('metrics$ publishes the failures of items that never reached a PutRecords call', async () => {
  const producer = new Producer<number>({
    streamName: uniqueStreamName('never-created'),
    client: kinesis.createClient(),
    streamWaitTime: 300,
  });
  const snapshots: ProducerMetricsSnapshot[] = [];
  producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
  producer.reports$.subscribe(() => undefined);
  try {
    for (let i = 0; i < 10; i += 1) await producer.put(i);
    await expect(producer.flush()).rejects.toMatchObject({ name: 'DeliveryFailedError' });
    const last = snapshots[snapshots.length - 1];
    expect(last?.totals.failures).toBe(10);
    expect(last?.queue).toEqual({ items: 0, bytes: 0 });
    expect(last).toEqual(producer.metrics());
  } finally {
    await producer.close().catch(() => undefined);
  }
});

test('metrics$ publishes a flood of items failed at once by a producer that cannot write in a few snapshots', async () => {
  const producer = new Producer<number>({
    streamName: uniqueStreamName('never-created'),
    client: kinesis.createClient(),
    streamWaitTime: 300,
  });
  const snapshots: ProducerMetricsSnapshot[] = [];
  producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
  producer.reports$.subscribe(() => undefined);
  try {
    await producer.put(0);
    await expect(producer.flush()).rejects.toMatchObject({ name: 'DeliveryFailedError' });
    const before = snapshots.length;
    // Each of these fails at once (the first shard map could not be loaded).
    const puts = Array.from({ length: 1000 }, (_, i) => producer.put(i + 1).catch(() => undefined));
    await Promise.all(puts);
    expect(snapshots.length - before).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(snapshots.length - before).toBeLessThanOrEqual(2);
    const last = snapshots[snapshots.length - 1];
    expect(last?.totals.failures).toBe(1001);
    expect(last).toEqual(producer.metrics());
  } finally {
    await producer.close().catch(() => undefined);
  }
});
