import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { lastValueFrom } from 'rxjs';
import { classifyError } from '../../src/kinesis/classifyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { Producer } from '../../src/producer/Producer.js';

jest.setTimeout(60_000);

describe('local Kinesis black hole (requests read, never answered)', () => {
  let local: LocalKinesis;

  beforeAll(async () => {
    local = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
  });
  afterAll(() => local.close());

  function client(requestTimeout: number) {
    return createKinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestTimeout,
    });
  }

  it('keeps the request open and silent; the client gives up at its requestTimeout', async () => {
    const kinesis = client(300);
    const before = local.stats.injectedBlackHoles;
    const started = Date.now();
    const error = await kinesis.send(new ListStreamsCommand({})).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    kinesis.destroy();
    expect(classifyError(error)).toBeInstanceOf(RequestTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(10_000);
    expect(local.stats.injectedBlackHoles).toBe(before + 1);
  });

  it("ends a Producer's flush() and close() in typed errors within the deadlines instead of hanging", async () => {
    const producer = new Producer<number>({
      streamName: 'orders',
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestTimeout: 300,
      retryLimit: 2,
      expoBackoff: 10,
      expoBackoffLimit: 50,
      bufferTime: 10,
    });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const started = Date.now();
    for (let i = 0; i < 3; i += 1) await producer.put(i);
    const flushed = await producer.flush().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await producer.close().catch(() => undefined);
    const elapsed = Date.now() - started;
    // A few 300 ms attempts (shard map and PutRecords) with short back-offs: seconds, not forever.
    expect(elapsed).toBeLessThan(30_000);
    expect(flushed).toBeInstanceOf(Error);
    expect(reports).toHaveLength(3);
    for (const report of reports) {
      expect(report.status).toBe('failed');
      if (report.status !== 'failed') continue;
      let cause: unknown = report.error;
      while (cause !== undefined && !(cause instanceof RequestTimeoutError))
        cause = (cause as { cause?: unknown }).cause;
      expect(cause).toBeInstanceOf(RequestTimeoutError);
    }
  });
});

describe('local Kinesis black hole on some requests', () => {
  it('delivers every item of a Producer; items whose attempt timed out are marked possibleDuplicate', async () => {
    const local = await startLocalKinesis({
      faults: { blackHoleRate: 0.3, seed: 5 },
      streams: { orders: 2 },
    });
    try {
      const producer = new Producer<number>({
        streamName: 'orders',
        endpoint: local.endpoint,
        region: local.region,
        credentials: local.credentials,
        requestTimeout: 300,
        expoBackoff: 10,
        expoBackoffLimit: 50,
        bufferTime: 10,
        batchSize: 5,
      });
      const reports: DeliveryReport<number>[] = [];
      producer.reports$.subscribe((report) => reports.push(report));
      for (let i = 0; i < 40; i += 1) await producer.put(i);
      await producer.close();
      expect(reports).toHaveLength(40);
      const delivered = reports.filter((report) => report.status === 'delivered');
      expect(delivered).toHaveLength(40);
      const retried = delivered.filter((report) => report.attempts > 1);
      expect(retried.length).toBeGreaterThan(0);
      expect(retried.every((report) => report.possibleDuplicate)).toBe(true);
      expect(local.stats.injectedBlackHoles).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });
});

describe('local Kinesis reset after the write', () => {
  it('stores the write, then drops the connection so the client cannot know', async () => {
    const local = await startLocalKinesis({
      faults: { resetAfterWriteRate: 0.5, seed: 3 },
      streams: { written: 1 },
    });
    const kinesis = createKinesisClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      requestTimeout: 5000,
    });
    try {
      let answered = 0;
      let dropped = 0;
      for (let i = 0; i < 20; i += 1) {
        const outcome = await kinesis
          .send(
            new PutRecordsCommand({
              StreamName: 'written',
              Records: [{ PartitionKey: `k${i}`, Data: new Uint8Array([i]) }],
            }),
          )
          .then(
            () => 'answered',
            (caught: unknown) => caught,
          );
        if (outcome === 'answered') answered += 1;
        else {
          expect(classifyError(outcome).constructor.name).toBe('ConnectionError');
          dropped += 1;
        }
      }
      expect(dropped).toBeGreaterThan(3);
      expect(answered).toBeGreaterThan(3);
      expect(local.stats.injectedResetsAfterWrite).toBe(dropped);
      // Every write was stored, answered or not (reading past the same fault).
      const retrying = async <T>(call: () => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await call();
          } catch (error) {
            if (attempt >= 30) throw error;
          }
        }
      };
      const iterator = await retrying(() =>
        kinesis.send(
          new GetShardIteratorCommand({
            StreamName: 'written',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        ),
      );
      const page = await retrying(() =>
        kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! })),
      );
      expect(page.Records!.map((record) => record.Data![0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      kinesis.destroy();
      await local.close();
    }
  });
});

describe('fromKinesis against a black hole', () => {
  it('errors with a typed, retriable timeout within its deadlines instead of hanging', async () => {
    const blackHole = await startLocalKinesis({ faults: { blackHoleRate: 1 } });
    try {
      const started = Date.now();
      const error = await lastValueFrom(
        fromKinesis({
          streamName: 'silent',
          endpoint: blackHole.endpoint,
          region: blackHole.region,
          credentials: blackHole.credentials,
          requestTimeout: 300,
          retryLimit: 2,
          expoBackoff: 10,
          expoBackoffLimit: 50,
        }),
      ).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      let cause: unknown = error;
      while (cause !== undefined && !(cause instanceof RequestTimeoutError))
        cause = (cause as { cause?: unknown }).cause;
      expect(cause).toBeInstanceOf(RequestTimeoutError);
      expect((cause as RequestTimeoutError).retriable).toBe(true);
      expect(blackHole.stats.injectedBlackHoles).toBeGreaterThanOrEqual(3);
    } finally {
      await blackHole.close();
    }
  });
});
