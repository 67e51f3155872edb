// The library's consumers starting side by side against the local Kinesis with limits on: the
// control-plane calls of their start-up (DescribeStreamSummary, RegisterStreamConsumer,
// DescribeStreamConsumer, ListShards) exceed AWS's rates, and must be retried, not fail.
import { lastValueFrom, take, toArray, type Observable } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis, type KinesisConsumerObservable } from '../../src/observables/fromKinesis.js';
import { numbers, putRecords } from '../support/streamRecords.js';

jest.setTimeout(120_000);

const text = (record: KinesisRecord): string => Buffer.from(record.data).toString();

async function readAll(consumer: KinesisConsumerObservable, count: number): Promise<string[]> {
  try {
    const records = await lastValueFrom((consumer as Observable<KinesisRecord>).pipe(take(count), toArray()));
    return records.map(text).sort();
  } finally {
    await consumer.stopped();
  }
}

describe('consumers starting at once under the control-plane rates', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: {
        // Reads are left unthrottled here: what is under test is the control plane, with rates
        // tighter than AWS's so that the consumers surely exceed them, however slow the machine.
        getRecordsCallsPerSecond: 1000,
        getShardIteratorCallsPerSecond: 1000,
        controlPlaneCallsPerSecond: { DescribeStreamSummary: 5, RegisterStreamConsumer: 2 },
      },
      efo: { consumerStatusDelayMs: 100 },
      streams: { polled: 2, fanned: 2 },
    });
    const client = local.createClient();
    try {
      await putRecords(client, 'polled', numbers(20));
      await putRecords(client, 'fanned', numbers(20));
    } finally {
      client.destroy();
    }
  });

  afterAll(async () => {
    await local.close();
  });

  it('25 polling consumers with createStream (DescribeStreamSummary: 5 a second) all read everything', async () => {
    const before = local.stats.throttledControlPlaneCalls;
    const consumers = Array.from({ length: 25 }, () =>
      fromKinesis({
        streamName: 'polled',
        endpoint: local.endpoint,
        region: local.region,
        credentials: { ...local.credentials },
        createStream: true,
        sleepTimeNoRecords: 200,
      }),
    );
    const read = await Promise.all(consumers.map((consumer) => readAll(consumer, 20)));
    for (const values of read) expect(values).toEqual(numbers(20).sort());
    // The rate was exceeded, and the consumers waited their turn.
    expect(local.stats.throttledControlPlaneCalls).toBeGreaterThan(before);
  });

  // A throttled registration call is retried until `activationTimeoutMs` rather than counted
  // against `retryLimit` (default 5: about 1-3 s of back-off, which 12 registrations at 2 a
  // second, at most 5 CREATING at once, outlast).
  it('12 enhanced fan-out consumers (RegisterStreamConsumer: 2 a second, default retryLimit) all register and read everything', async () => {
    const before = local.stats.throttledControlPlaneCalls;
    const consumers = Array.from({ length: 12 }, (_, index) =>
      fromKinesis({
        streamName: 'fanned',
        endpoint: local.endpoint,
        region: local.region,
        credentials: { ...local.credentials },
        enhancedFanOut: { consumerName: `app-${index}` },
      }),
    );
    const read = await Promise.all(consumers.map((consumer) => readAll(consumer, 20)));
    for (const values of read) expect(values).toEqual(numbers(20).sort());
    expect(local.stats.throttledControlPlaneCalls).toBeGreaterThan(before);
  });
});
