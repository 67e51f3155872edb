import { lastValueFrom, Subject, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { Producer } from '../../src/producer/Producer.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('metrics$ and items that fail before they are accepted', () => {
  it('publishes the failure of bad input put into an idle producer', async () => {
    const streamName = uniqueStreamName('bad-input-metrics');
    await kinesis.createStream(streamName, 1);
    const producer = new Producer<number>({
      streamName,
      client: kinesis.createClient(),
      partitionKey: (item) => (item < 0 ? '' : String(item)),
    });
    const snapshots: ProducerMetricsSnapshot[] = [];
    producer.metrics$.subscribe((snapshot) => snapshots.push(snapshot));
    try {
      await producer.put(1);
      await producer.flush();
      await expect(producer.put(-1)).rejects.toMatchObject({ name: 'InvalidPartitionKeyError' });
      await tick();
      const last = snapshots[snapshots.length - 1];
      expect(last?.totals.failures).toBe(1);
      expect(last).toEqual(producer.metrics());
    } finally {
      await producer.close();
    }
  });

  it('publishes the failure of bad input reported by toKinesis() while nothing is in flight', async () => {
    const streamName = uniqueStreamName('bad-input-operator');
    await kinesis.createStream(streamName, 1);
    const source = new Subject<number>();
    let last: ProducerMetricsSnapshot | undefined;
    const failed: number[] = [];
    const done = lastValueFrom(
      source.pipe(
        toKinesis<number>({
          streamName,
          client: kinesis.createClient(),
          partitionKey: (item) => (item < 0 ? '' : String(item)),
          onFailure: 'emit',
          metricsObserver: { next: (snapshot) => (last = snapshot) },
        }),
        toArray(),
      ),
    );
    source.next(-1);
    source.next(-2);
    await tick();
    expect(last?.totals.failures).toBe(2);
    source.complete();
    const reports = await done;
    for (const report of reports) if (report.status === 'failed') failed.push(report.index);
    expect(failed).toEqual([0, 1]);
  });
});
