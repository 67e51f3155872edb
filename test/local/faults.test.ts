import {
  DescribeStreamSummaryCommand,
  KinesisServiceException,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import type { LocalKinesisFaults } from '../../src/local/LocalKinesisFaults.js';

async function withLocal<T>(
  faults: LocalKinesisFaults,
  run: (local: LocalKinesis, client: KinesisClient) => Promise<T>,
): Promise<T> {
  const local = await startLocalKinesis({ faults, streams: { faulty: 2 } });
  const client = local.createClient();
  try {
    return await run(local, client);
  } finally {
    client.destroy();
    await local.close();
  }
}

/** Puts 5,000 records in 10 calls and returns the indexes of the entries that failed. */
async function failedIndexes(client: KinesisClient): Promise<number[]> {
  const failed: number[] = [];
  for (let call = 0; call < 10; call += 1) {
    const records = Array.from({ length: 500 }, (_, i) => ({
      Data: new Uint8Array([1, 2, 3]),
      PartitionKey: `k${call}-${i}`,
    }));
    const result = await client.send(new PutRecordsCommand({ StreamName: 'faulty', Records: records }));
    const entries = result.Records ?? [];
    expect(result.FailedRecordCount).toBe(entries.filter((entry) => entry.ErrorCode !== undefined).length);
    entries.forEach((entry, i) => {
      if (entry.ErrorCode === undefined) {
        expect(entry.SequenceNumber).toMatch(/^\d+$/);
        return;
      }
      expect(entry).toEqual({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' });
      failed.push(call * 500 + i);
    });
  }
  return failed;
}

describe('local Kinesis fault injection', () => {
  it('fails about 20% of PutRecords entries with InternalFailure, the same ones for the same seed', async () => {
    const first = await withLocal({ internalFailureRate: 0.2, seed: 42 }, async (local, client) => {
      const failed = await failedIndexes(client);
      expect(local.stats.injectedInternalFailures).toBe(failed.length);
      return failed;
    });
    expect(first.length / 5000).toBeGreaterThan(0.17);
    expect(first.length / 5000).toBeLessThan(0.23);
    const again = await withLocal({ internalFailureRate: 0.2, seed: 42 }, (_local, client) =>
      failedIndexes(client),
    );
    expect(again).toEqual(first);
    const otherSeed = await withLocal({ internalFailureRate: 0.2, seed: 43 }, (_local, client) =>
      failedIndexes(client),
    );
    expect(otherSeed).not.toEqual(first);
  }, 60_000);

  it('answers a share of requests with HTTP 500 that the SDK reports as InternalFailure', async () => {
    await withLocal({ serverErrorRate: 0.3, seed: 7 }, async (local, client) => {
      let failures = 0;
      for (let call = 0; call < 200; call += 1) {
        try {
          await client.send(new DescribeStreamSummaryCommand({ StreamName: 'faulty' }));
        } catch (error) {
          expect(error).toBeInstanceOf(KinesisServiceException);
          const serviceError = error as KinesisServiceException;
          expect(serviceError.name).toBe('InternalFailure');
          expect(serviceError.$fault).toBe('server');
          expect(serviceError.$metadata.httpStatusCode).toBe(500);
          failures += 1;
        }
      }
      expect(failures).toBe(local.stats.injectedServerErrors);
      expect(failures).toBeGreaterThan(40);
      expect(failures).toBeLessThan(80);
    });
  }, 60_000);

  it('drops connections without an answer at the connection reset rate', async () => {
    await withLocal({ connectionResetRate: 1 }, async (local, client) => {
      const error = await client
        .send(new ListShardsCommand({ StreamName: 'faulty' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(KinesisServiceException);
      expect(`${(error as { code?: string }).code} ${(error as Error).message}`).toMatch(
        /ECONNRESET|socket hang up/,
      );
      expect(local.stats.injectedConnectionResets).toBe(1);
      expect(local.stats.forwardedRequests).toBe(0);
    });
  });

  it('adds the configured latency to every request', async () => {
    await withLocal({ latencyMs: 150 }, async (_local, client) => {
      const started = Date.now();
      const shards = await client.send(new ListShardsCommand({ StreamName: 'faulty' }));
      expect(shards.Shards).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    });
  });

  it('passes everything through untouched without limits or faults', async () => {
    const local = await startLocalKinesis({ streams: [{ name: 'plain', shards: 1 }] });
    const client = local.createClient();
    try {
      const records = Array.from({ length: 500 }, (_, i) => ({
        Data: new Uint8Array(1024),
        PartitionKey: `k${i}`,
      }));
      for (let call = 0; call < 4; call += 1) {
        const result = await client.send(new PutRecordsCommand({ StreamName: 'plain', Records: records }));
        expect(result.FailedRecordCount).toBe(0);
      }
      expect(local.stats).toMatchObject({
        forwardedRequests: 4,
        throttledPutEntries: 0,
        injectedInternalFailures: 0,
      });
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
