import { lastValueFrom, range, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

describe('toKinesis() metrics of items a full queue refused', () => {
  it("counts every item refused with overflow 'error' in failures, as its failed report says", async () => {
    const streamName = uniqueStreamName('refused-metrics');
    await kinesis.createStream(streamName, 1);
    let last: ProducerMetricsSnapshot | undefined;
    const reports = await lastValueFrom(
      range(0, 40).pipe(
        toKinesis<number>({
          streamName,
          client: kinesis.createClient(),
          maxQueueSize: 10,
          onFailure: 'emit',
          metricsObserver: { next: (snapshot) => (last = snapshot) },
        }),
        toArray(),
      ),
    );
    const failed = reports.filter((report) => report.status === 'failed');
    const delivered = reports.filter((report) => report.status === 'delivered');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((report) => report.error.name === 'QueueFullError')).toBe(true);
    expect(last?.totals.failures).toBe(failed.length);
    expect(last?.totals.items).toBe(delivered.length);
    expect(last?.shards['unassigned']?.failures).toBe(failed.length);
  });

  it('publishes a flood of refused items in a few snapshots, not one per item', async () => {
    const streamName = uniqueStreamName('refused-flood');
    await kinesis.createStream(streamName, 1);
    const snapshots: ProducerMetricsSnapshot[] = [];
    const reports = await lastValueFrom(
      range(0, 5000).pipe(
        toKinesis<number>({
          streamName,
          client: kinesis.createClient(),
          maxQueueSize: 10,
          onFailure: 'emit',
          metricsObserver: { next: (snapshot) => snapshots.push(snapshot) },
        }),
        toArray(),
      ),
    );
    const failed = reports.filter((report) => report.status === 'failed').length;
    expect(failed).toBeGreaterThan(4000);
    expect(snapshots.length).toBeLessThan(50);
    expect(snapshots[snapshots.length - 1]?.totals.failures).toBe(failed);
  });

  it("does not count items dropped with overflow 'drop-newest' (they were never accepted)", async () => {
    const streamName = uniqueStreamName('dropped-metrics');
    await kinesis.createStream(streamName, 1);
    let last: ProducerMetricsSnapshot | undefined;
    const reports = await lastValueFrom(
      range(0, 40).pipe(
        toKinesis<number>({
          streamName,
          client: kinesis.createClient(),
          maxQueueSize: 10,
          overflow: 'drop-newest',
          metricsObserver: { next: (snapshot) => (last = snapshot) },
        }),
        toArray(),
      ),
    );
    expect(reports.filter((report) => report.status === 'dropped').length).toBeGreaterThan(0);
    expect(last?.totals.failures).toBe(0);
  });
});
