// A synchronous source of 200,000 items (from(array)) into toKinesis() against the local Kinesis with
// its write limits, injected InternalFailures and latency: the operator takes the whole array
// before the first shard map is known (the queue holds it: maxQueueSize 200,000), every item gets
// exactly one report, each is stored once (read back and split into its JSON lines), the queue
// never holds more than its bounds in items and bytes, and the producer leaves nothing running.
import { from } from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { jsonLineProcessor } from '../../../../src/processors/namedProcessors.js';
import { CountingScheduler } from '../../../observables/compositions/producerReview/support/countingScheduler.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const ITEMS = 200_000;
const MAX_QUEUE_BYTES = 8 * 1024 * 1024;

const kinesis = useTestKinesis({
  limits: true,
  faults: { internalFailureRate: 0.05, latencyMs: 30, seed: 7 },
});

describe('toKinesis(): a synchronous source of 200,000 items', () => {
  it('every item reported once and stored once, the queue within its bounds', async () => {
    const streamName = uniqueStreamName('sync200k');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const scheduler = new CountingScheduler();
    const reportsPerItem = new Uint8Array(ITEMS);
    const notDelivered: string[] = [];
    let peakItems = 0;
    let peakBytes = 0;
    let stopped = false;
    try {
      await new Promise<void>((resolve, reject) => {
        from(Array.from({ length: ITEMS }, (_, i) => i))
          .pipe(
            toKinesis<number>({
              streamName,
              client,
              processor: jsonLineProcessor<number>(),
              partitionKey: (id) => `k${id % 13}`,
              maxQueueSize: ITEMS,
              maxQueueBytes: MAX_QUEUE_BYTES,
              scheduler,
              onFailure: 'emit',
              metricsObserver: {
                next: ({ queue }) => {
                  peakItems = Math.max(peakItems, queue.items);
                  peakBytes = Math.max(peakBytes, queue.bytes);
                },
                complete: () => (stopped = true),
              },
            }),
          )
          .subscribe({
            next: (report) => {
              reportsPerItem[report.index] += 1;
              if (report.status !== 'delivered') notDelivered.push(`${report.index}:${report.status}`);
            },
            error: reject,
            complete: resolve,
          });
      });
      expect(notDelivered).toEqual([]);
      expect(reportsPerItem.every((count) => count === 1)).toBe(true);
      expect(stopped).toBe(true);
      expect(scheduler.live).toBe(0);
      expect(peakItems).toBeLessThanOrEqual(ITEMS);
      expect(peakBytes).toBeLessThanOrEqual(MAX_QUEUE_BYTES);
      expect(kinesis.stats!.injectedInternalFailures).toBeGreaterThan(0);
      const stored = await readStream(client, streamName, 1);
      const copies = new Uint8Array(ITEMS);
      for (const record of stored) {
        for (const line of record.data.split('\n')) if (line !== '') copies[Number(line)] += 1;
      }
      expect(copies.every((count) => count === 1)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
