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
