import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(120_000);

/** The first error in `error`'s cause chain of the given class. */
function causeOf<E>(error: unknown, kind: abstract new (...args: never[]) => E): E | undefined {
  for (
    let cause = error;
    cause !== undefined && cause !== null;
    cause = (cause as { cause?: unknown }).cause
  ) {
    if (cause instanceof kind) return cause;
  }
  return undefined;
}

/** Settles like `promise`, or with 'still waiting' after `ms` (so a hang fails the test, not jest's timeout). */
function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown } | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms))),
  ]).finally(() => clearTimeout(timer));
}

// A client of the caller's own with the SDK's default handler waits for an answer for ever: the
// producer's `createStream: true` gives its calls (DescribeStreamSummary, CreateStream) the
// deadline of its other calls, connectTimeout + requestTimeout.
describe('createStream through a caller’s client without deadlines', () => {
  it('fails the items with a typed timeout when Kinesis never answers, instead of holding them for ever', async () => {
    const local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
    const client = new KinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const producer = new Producer<number>({
        streamName: uniqueStreamName('create-black-hole'),
        client,
        createStream: true,
        connectTimeout: 200,
        requestTimeout: 300,
        connectionFailureTimeout: 2000,
      });
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      await producer.put(1);
      // About 2 s of 500 ms deadlines; the margin is for a loaded machine.
      const flushed = await within(producer.flush(), 60_000);
      expect(flushed).not.toBe('still waiting');
      expect(flushed).toHaveProperty('error');
      const error = (flushed as { error: unknown }).error;
      const timeout = causeOf(error, RequestTimeoutError);
      expect(timeout).toBeDefined();
      expect(timeout!.message).toMatch(/DescribeStreamSummary got no answer within 500 ms/);
      expect(reports).toHaveLength(1);
      expect(reports[0]!.status).toBe('failed');
      expect(await within(producer.close(), 30_000)).toEqual({ value: undefined });
      expect(local.stats.injectedBlackHoles).toBeGreaterThanOrEqual(2);
    } finally {
      client.destroy();
      await local.close();
    }
  });

  it('creates the stream and delivers when only some calls go unanswered', async () => {
    // Half the requests are never answered (the first two: DescribeStreamSummary): each such call is abandoned at its deadline and retried.
    const local = await startLocalKinesis({ faults: { blackHoleRate: 0.5, seed: 7 } });
    const client = new KinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const producer = new Producer<number>({
        streamName: uniqueStreamName('create-some-black-holes'),
        client,
        createStream: true,
        connectTimeout: 200,
        requestTimeout: 300,
        expoBackoff: 10,
        expoBackoffLimit: 100,
        // The seeded faults leave at most 9 unanswered calls in a row (about 14 s): never given up.
        connectionFailureTimeout: 60_000,
      });
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      for (let i = 0; i < 5; i += 1) await producer.put(i);
      expect(await within(producer.close(), 90_000)).toEqual({ value: undefined });
      expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(5);
      expect(local.stats.injectedBlackHoles).toBeGreaterThanOrEqual(2);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
