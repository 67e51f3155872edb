import type { Aggregator } from '../../src/processors/Aggregator.js';
import { kplAggregator } from '../../src/processors/aggregators/kplAggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { jsonSerializer } from '../../src/processors/serializers/jsonSerializer.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

/** The KPL aggregator, but its accumulators throw when asked to close a record. */
function unclosableAggregator(): Aggregator {
  const kpl = kplAggregator();
  return {
    name: 'unclosable',
    aggregates: true,
    createAccumulator: (maxRecordBytes) => {
      const accumulator = kpl.createAccumulator(maxRecordBytes);
      return {
        add: (entry) => accumulator.add(entry),
        flush: () => {
          throw new Error('cannot close');
        },
        get itemCount() {
          return accumulator.itemCount;
        },
        get size() {
          return accumulator.size;
        },
      };
    },
    deaggregate: (record) => kpl.deaggregate(record),
  };
}

test('metrics$ publishes the failures of items whose record the aggregator could not close', async () => {
  const streamName = uniqueStreamName('unbuilt-metrics');
  await kinesis.createStream(streamName, 1);
  const producer = new Producer<number>({
    streamName,
    client: kinesis.createClient(),
    processor: createProcessor('unclosable', jsonSerializer(), unclosableAggregator()),
  });
  const snapshots: ProducerMetricsSnapshot[] = [];
  producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
  producer.reports$.subscribe(() => undefined);
  try {
    for (let i = 0; i < 5; i += 1) await producer.put(i);
    await expect(producer.flush()).rejects.toMatchObject({ name: 'ItemSerializationError' });
    const last = snapshots[snapshots.length - 1];
    expect(last?.totals.failures).toBe(5);
    expect(last?.queue).toEqual({ items: 0, bytes: 0 });
    expect(last).toEqual(producer.metrics());
  } finally {
    await producer.close().catch(() => undefined);
  }
});
