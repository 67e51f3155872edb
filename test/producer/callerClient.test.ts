import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom, range, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveredReport, DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(120_000);

/** Creates a stream, retrying the harness call when an injected fault hits it. */
async function createStream(kinesis: TestKinesis, name: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await kinesis.createStream(name, 1);
      return;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceInUseException') return;
      if (attempt >= 10) throw error;
    }
  }
}

// A client whose SDK retries a call itself (a client of the caller's own, with the SDK's default
// of 3 attempts, or `maxAttempts` on the producer's own) hides a connection reset from the
// producer: the retried call answers, yet the attempt that was reset may have been stored.
describe('possibleDuplicate when the SDK client retries a PutRecords call itself', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    // A fifth of the calls are stored and then answered with a dropped connection.
    kinesis = await startTestKinesis({ faults: { resetAfterWriteRate: 0.2, seed: 3 } });
  });
  afterAll(() => kinesis.close());

  async function produce(
    streamName: string,
    connection: Pick<
      ToKinesisOptions<number>,
      'client' | 'endpoint' | 'region' | 'credentials' | 'maxAttempts'
    >,
  ): Promise<DeliveryReport<number>[]> {
    // Batches of 5: at least 60 calls, so some reset is certain (none in 60 at 20%: about 1 in 650,000).
    return lastValueFrom(
      range(0, 300).pipe(
        toKinesis<number>({
          streamName,
          ...connection,
          partitionKey: (i) => `k${i}`,
          batchSize: 5,
          expoBackoff: 10,
        }),
        toArray(),
      ),
    );
  }

  async function expectEveryDuplicateFlagged(streamName: string, reports: DeliveryReport<number>[]) {
    const delivered = reports.filter((r): r is DeliveredReport<number> => r.status === 'delivered');
    expect(delivered).toHaveLength(300);
    const reader = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 20,
    });
    const stored = await readStream(reader, streamName, 300);
    reader.destroy();
    const copies = new Map<number, number>();
    for (const record of stored) {
      const id = JSON.parse(record.data) as number;
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    expect(copies.size).toBe(300);
    const twice = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
    // The faults did store some items twice: the check below is not vacuous.
    expect(twice.length).toBeGreaterThan(0);
    const byItem = new Map(delivered.map((report) => [report.item, report]));
    expect(twice.filter((id) => !byItem.get(id)!.possibleDuplicate)).toEqual([]);
  }

  it('flags items stored twice through a client of the caller’s own with the SDK’s default retries', async () => {
    const streamName = uniqueStreamName('own-client');
    await createStream(kinesis, streamName);
    const client = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      requestHandler: new NodeHttpHandler(),
    });
    const reports = await produce(streamName, { client });
    client.destroy();
    await expectEveryDuplicateFlagged(streamName, reports);
  });

  it('flags items stored twice when the producer’s own client is given maxAttempts', async () => {
    const streamName = uniqueStreamName('max-attempts');
    await createStream(kinesis, streamName);
    const reports = await produce(streamName, {
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      maxAttempts: 3,
    });
    await expectEveryDuplicateFlagged(streamName, reports);
  });
});

describe('a client of the caller’s own without request deadlines', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    // A fifth of the requests are read and never answered, the connection left open and silent.
    kinesis = await startTestKinesis({ faults: { blackHoleRate: 0.2, seed: 5 } });
  });
  afterAll(() => kinesis.close());

  it('gets every item delivered: a call with no answer is abandoned after connectTimeout + requestTimeout and retried', async () => {
    const streamName = uniqueStreamName('no-deadline');
    await createStream(kinesis, streamName);
    // The SDK's defaults: no deadline for an answer.
    const client = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      requestHandler: new NodeHttpHandler(),
    });
    const reports = await lastValueFrom(
      range(0, 100).pipe(
        toKinesis<number>({
          streamName,
          client,
          partitionKey: (i) => `k${i}`,
          batchSize: 5,
          expoBackoff: 10,
          connectTimeout: 500,
          requestTimeout: 500,
        }),
        toArray(),
      ),
    );
    client.destroy();
    expect(kinesis.stats!.injectedBlackHoles).toBeGreaterThan(0);
    expect(reports.filter((report) => report.status === 'delivered')).toHaveLength(100);
    expect(reports.some((report) => report.status === 'delivered' && report.possibleDuplicate)).toBe(true);
  });
});

describe('a client of the caller’s own with the longest timeouts allowed', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  it('gives each call connectTimeout + requestTimeout capped at the longest timer, not a deadline that passes at once', async () => {
    const streamName = uniqueStreamName('long-deadline');
    await createStream(kinesis, streamName);
    const client = kinesis.createClient();
    const reports = await lastValueFrom(
      range(0, 20).pipe(
        toKinesis<number>({
          streamName,
          client,
          partitionKey: (i) => `k${i}`,
          // Each within its bounds; their sum is past the longest delay a timer takes (2^31 - 1 ms),
          // which Node and RxJS's asyncScheduler turn into 1 ms.
          connectTimeout: 5_000,
          requestTimeout: 2_147_483_647,
          onFailure: 'emit',
          // Bounds the run on the old code, whose every call was abandoned at once.
          connectionFailureTimeout: 3_000,
        }),
        toArray(),
      ),
    );
    client.destroy();
    const delivered = reports.filter((r): r is DeliveredReport<number> => r.status === 'delivered');
    expect(delivered).toHaveLength(20);
    // Each call was answered the first time: none was given up before its answer came.
    expect(delivered.filter((report) => report.attempts !== 1 || report.possibleDuplicate)).toEqual([]);
  });
});
