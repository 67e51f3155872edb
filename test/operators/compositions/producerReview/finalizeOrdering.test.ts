// finalize() around toKinesis(): a finalize() after the operator runs once the output completed or
// errored, and by then every report was emitted and the producer has stopped (no timer of its
// scheduler pending, no socket of its own client open), so cleanup code there (closing the
// process, checking for leaks) finds nothing of it running. A finalize() before the operator runs
// when the source ends, before the flush; one after it, on an unsubscription, runs at once while
// the accepted items are still being delivered.
import {
  concat,
  finalize,
  from,
  lastValueFrom,
  NEVER,
  Subject,
  takeUntil,
  throwError,
  timer,
  toArray,
} from 'rxjs';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import type { ToKinesisOptions } from '../../../../src/producer/ToKinesisOptions.js';
import {
  socketsTo,
  waitFor,
} from '../../../observables/compositions/producerReview/support/activeSockets.js';
import { CountingScheduler } from '../../../observables/compositions/producerReview/support/countingScheduler.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis({ faults: { latencyMs: 100 } });

interface Seen {
  readonly reports: DeliveryReport<number>[];
  readonly order: string[];
}

describe('finalize() around toKinesis()', () => {
  let streamName: string;
  let port: number;
  beforeAll(async () => {
    streamName = uniqueStreamName('finalize');
    await kinesis.createStream(streamName, 2);
    port = Number(new URL(kinesis.endpoint).port);
  });

  const options = (scheduler: CountingScheduler, disposed: () => void): ToKinesisOptions<number> => ({
    streamName,
    // The producer's own client: stopping the producer closes its sockets.
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    partitionKey: (id) => `k${id % 5}`,
    bufferTime: 20,
    scheduler,
    onFailure: 'emit',
    metricsObserver: { complete: disposed },
  });

  /** What finalize() after the operator saw: the producer's live timers and sockets, the reports. */
  const probe = (seen: Seen, scheduler: CountingScheduler) =>
    finalize<DeliveryReport<number>>(() =>
      seen.order.push(
        `after: reports=${seen.reports.length} timers=${scheduler.live} sockets=${socketsTo(port)}`,
      ),
    );

  for (const ending of ['completes', 'errors'] as const) {
    it(`a source that ${ending}: finalize() after the operator finds every report out and the producer stopped`, async () => {
      const scheduler = new CountingScheduler();
      const seen: Seen = { reports: [], order: [] };
      const items = Array.from({ length: 40 }, (_, i) => i + (ending === 'errors' ? 100 : 0));
      const source = concat(
        from(items),
        ending === 'errors' ? throwError(() => new Error('source failed')) : [],
      );
      const run = lastValueFrom(
        source.pipe(
          finalize(() => seen.order.push(`before: reports=${seen.reports.length}`)),
          toKinesis(options(scheduler, () => seen.order.push('metrics complete'))),
          probe(seen, scheduler),
          toArray(),
        ),
      ).then(
        (reports) => seen.reports.push(...reports),
        (error: Error) => seen.order.push(`error: ${error.message}`),
      );
      await run;
      expect(seen.order).toEqual([
        'before: reports=0',
        // toArray() holds the reports until the end: the count is checked below.
        'after: reports=0 timers=0 sockets=0',
        'metrics complete',
        ...(ending === 'errors' ? ['error: source failed'] : []),
      ]);
      if (ending === 'completes') {
        expect(seen.reports.map((report) => report.status)).toEqual(items.map(() => 'delivered'));
      }
    });
  }

  it('unsubscribing: finalize() after the operator runs at once; the accepted items are still delivered', async () => {
    const scheduler = new CountingScheduler();
    const seen: Seen = { reports: [], order: [] };
    let disposed = false;
    const source = new Subject<number>();
    const subscription = concat(source, NEVER)
      .pipe(
        toKinesis(options(scheduler, () => (disposed = true))),
        takeUntil(timer(10)),
        probe(seen, scheduler),
      )
      .subscribe((report) => seen.reports.push(report));
    for (let id = 200; id < 220; id += 1) source.next(id);
    await waitFor(() => subscription.closed, 30_000, 'the unsubscription');
    expect(seen.order).toHaveLength(1);
    expect(seen.order[0]).toMatch(/^after: reports=0 /);
    await waitFor(() => disposed, 60_000, 'the producer to stop');
    expect(scheduler.live).toBe(0);
    expect(socketsTo(port)).toBe(0);
    const client = kinesis.createClient();
    try {
      const stored = await readStream(client, streamName, 20);
      const ids = stored.map((record) => Number(record.data)).filter((id) => id >= 200);
      expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 200 + i));
    } finally {
      client.destroy();
    }
  });
});
