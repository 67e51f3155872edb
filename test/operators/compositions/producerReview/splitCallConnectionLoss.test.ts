// The embedded Kinesis refuses a PutRecords call whole (one record over its 1 MiB limit), the
// producer splits the call, and Kinesis goes away while the parts are held by the server's latency:
// the parts fail with dropped connections, and the connection-failure deadline starts there, so the
// items are given up connectionFailureTimeout later. Before, the parts' failures were not counted:
// the records waited for their whole back-off (here 30 s) before the failures began to count.
import { from, lastValueFrom, toArray } from 'rxjs';
import { ConnectionError } from '../../../../src/kinesis/errors/ConnectionError.js';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { noneAggregator } from '../../../../src/processors/aggregators/noneAggregator.js';
import { createProcessor } from '../../../../src/processors/Processor.js';
import { bytesSerializer } from '../../../../src/processors/serializers/bytesSerializer.js';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { startTestKinesis, uniqueStreamName } from '../../../support/kinesis.js';

/** Holds each request: the test closes the server while the parts of the split call are held. */
const LATENCY_MS = 2_500;
const CONNECTION_FAILURE_TIMEOUT_MS = 2_000;
const BACKOFF_MS = 30_000;
/** Far less than the back-off, far more than the deadline needs on a loaded machine. */
const WAIT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a split PutRecords call whose parts lose the connection (embedded Kinesis)', () => {
  it('gives the items up connectionFailureTimeout after the parts failed, not after their back-off', async () => {
    const kinesis = await startTestKinesis({ limits: true, faults: { latencyMs: LATENCY_MS } });
    let closed = false;
    try {
      const streamName = uniqueStreamName('splitloss');
      await kinesis.createStream(streamName, 1);
      const items = [Buffer.from('small'), Buffer.alloc(1_500_000, 120)];
      const reports = lastValueFrom(
        from(items).pipe(
          toKinesis<Uint8Array>({
            streamName,
            endpoint: kinesis.endpoint,
            region: kinesis.region,
            credentials: kinesis.credentials,
            processor: createProcessor('bytes', bytesSerializer(), noneAggregator()),
            partitionKey: 'k',
            // Taken by the producer, refused by this stream: the whole call is refused as invalid.
            maxRecordBytes: 2 * 1024 * 1024,
            putBandwidthLimitPerShard: 8 * 1024,
            connectionFailureTimeout: CONNECTION_FAILURE_TIMEOUT_MS,
            expoBackoff: BACKOFF_MS,
            expoBackoffLimit: BACKOFF_MS,
            random: () => 0.99,
            onFailure: 'emit',
          }),
          toArray(),
        ),
      );
      // The refusal is counted as it is answered; the two parts then reach a server held back by
      // its latency, and it goes away under them.
      const refusedBy = Date.now() + 60_000;
      while (kinesis.stats!.rejectedRequests === 0) {
        if (Date.now() > refusedBy) throw new Error('the local Kinesis never refused the call');
        await sleep(10);
      }
      await kinesis.close();
      closed = true;
      const closedAt = Date.now();
      const timedOut = Symbol('timed out');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        reports,
        new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), WAIT_MS))),
      ]);
      clearTimeout(timer);
      // A run that timed out waits out the back-off, so that it leaves nothing behind.
      if (outcome === timedOut) await reports;
      expect(outcome).not.toBe(timedOut);
      const settled = outcome as DeliveryReport<Uint8Array>[];
      expect(Date.now() - closedAt).toBeLessThan(WAIT_MS);
      expect(settled.map((report) => `${report.index}:${report.status}`).sort()).toEqual([
        '0:failed',
        '1:failed',
      ]);
      for (const report of settled) {
        expect(report.status === 'failed' && report.error.cause).toBeInstanceOf(ConnectionError);
      }
      expect(kinesis.stats!.rejectedRequests).toBe(1);
    } finally {
      if (!closed) await kinesis.close();
    }
  }, 120_000);
});
