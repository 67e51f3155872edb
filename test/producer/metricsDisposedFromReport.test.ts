// toKinesis() whose output is ended by a report (take(n)) with flushOnUnsubscribe: false: the
// engine is disposed from inside the turn that reports an answer. The metrics snapshots published
// then must not count an item twice (delivered or failed, and still queued): the last one comes
// once the rest of that answer was counted out of the queue.
import { lastValueFrom, range, take, tap, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { kplJsonProcessor } from '../../src/processors/namedProcessors.js';
import type { ProducerMetricsSnapshot } from '../../src/producer/ProducerMetrics.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';
import { waitFor } from '../support/streamRecords.js';

jest.setTimeout(60_000);

const kinesis = useTestKinesis();

describe('metrics of an engine disposed by one of its reports', () => {
  it.each([
    ['KPL records', true, false],
    ['one item per record, with afterFlush', false, true],
  ])('%s: no snapshot counts an item twice', async (_name, kpl, withAfterFlush) => {
    const streamName = uniqueStreamName('metrics-disposed');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const snapshots: ProducerMetricsSnapshot[] = [];
    let completed = false;
    let pulled = 0;
    try {
      const reports = await lastValueFrom(
        range(0, 2000).pipe(
          tap(() => (pulled += 1)),
          toKinesis<number>({
            streamName,
            client,
            bufferTime: 20,
            flushOnUnsubscribe: false,
            partitionKey: (id) => `key-${id % 13}`,
            ...(kpl ? { processor: kplJsonProcessor<number>() } : {}),
            ...(withAfterFlush
              ? { afterFlush: () => new Promise<void>((resolve) => setTimeout(resolve, 30)) }
              : {}),
            metricsObserver: {
              next: (snapshot) => snapshots.push(snapshot),
              complete: () => (completed = true),
            },
          }),
          take(100),
          toArray(),
        ),
      );
      expect(reports).toHaveLength(100);
      // The engine's disposal ends after its calls in flight (later than a fixed pause on a loaded machine).
      await waitFor(() => completed, { timeoutMs: 30_000, message: () => 'the metrics never completed' });
      expect(completed).toBe(true);
      for (const snapshot of snapshots) {
        const { items, failures } = snapshot.totals;
        expect(items + failures + snapshot.queue.items).toBeLessThanOrEqual(pulled);
      }
    } finally {
      client.destroy();
    }
  });
});

describe('metrics of an engine disposed by one of its failure reports', () => {
  let failing: TestKinesis;
  beforeAll(async () => {
    failing = await startTestKinesis({ faults: { internalFailureRate: 1 } });
  });
  afterAll(() => failing.close());

  it('items failed at the retry limit: no snapshot counts an item twice', async () => {
    const streamName = uniqueStreamName('metrics-disposed-failed');
    await failing.createStream(streamName, 1);
    const client = failing.createClient();
    const snapshots: ProducerMetricsSnapshot[] = [];
    let pulled = 0;
    try {
      const reports = await lastValueFrom(
        range(0, 500).pipe(
          tap(() => (pulled += 1)),
          toKinesis<number>({
            streamName,
            client,
            bufferTime: 20,
            retryLimit: 0,
            onFailure: 'emit',
            flushOnUnsubscribe: false,
            metricsObserver: { next: (snapshot) => snapshots.push(snapshot) },
          }),
          take(10),
          toArray(),
        ),
      );
      expect(reports.map((report) => report.status)).toEqual(Array(10).fill('failed'));
      for (const snapshot of snapshots) {
        const { items, failures } = snapshot.totals;
        expect(items + failures + snapshot.queue.items).toBeLessThanOrEqual(pulled);
      }
    } finally {
      client.destroy();
    }
  });
});
