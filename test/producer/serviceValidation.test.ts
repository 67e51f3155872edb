import { lastValueFrom, of, toArray } from 'rxjs';
import { KinesisValidationError } from '../../src/kinesis/errors/KinesisValidationError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { noneAggregator } from '../../src/processors/aggregators/noneAggregator.js';
import { createProcessor } from '../../src/processors/Processor.js';
import { bytesSerializer } from '../../src/processors/serializers/bytesSerializer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { InvalidExplicitHashKeyError } from '../../src/producer/errors/InvalidExplicitHashKeyError.js';
import { InvalidPartitionKeyError } from '../../src/producer/errors/InvalidPartitionKeyError.js';
import { createKinesisClient } from '../../src/kinesis/createKinesisClient.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { startCountingProxy } from './support/countingProxy.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(120_000);

interface Keyed {
  readonly id: number;
  readonly key: string;
  readonly hash?: string;
}

const outcome = (report: DeliveryReport<unknown>) =>
  report.status === 'failed' ? report.error.constructor.name : report.status;

describe('items the service would refuse fail alone (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  it('checks partition keys in UTF-16 units and explicit hash keys without leading zeros, as Kinesis does', async () => {
    const streamName = uniqueStreamName('keys');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    const items: Keyed[] = [
      { id: 0, key: 'a' },
      { id: 1, key: '😀'.repeat(128) }, // 256 UTF-16 units: the longest key Kinesis takes
      { id: 2, key: '😀'.repeat(129) }, // 129 code points but 258 units: Kinesis refuses it
      { id: 3, key: 'b', hash: '123' },
      { id: 4, key: 'c', hash: '0123' }, // leading zero: Kinesis refuses it
      { id: 5, key: 'd', hash: '0' },
      { id: 6, key: 'e' },
    ];
    const reports = await lastValueFrom(
      of(...items).pipe(
        toKinesis<Keyed>({
          streamName,
          client,
          partitionKey: (item) => item.key,
          explicitHashKey: (item) => item.hash,
          onFailure: 'emit',
        }),
        toArray(),
      ),
    );
    const byId = new Map(reports.map((report) => [report.item.id, outcome(report)]));
    expect(Object.fromEntries(byId)).toEqual({
      0: 'delivered',
      1: 'delivered',
      2: InvalidPartitionKeyError.name,
      3: 'delivered',
      4: InvalidExplicitHashKeyError.name,
      5: 'delivered',
      6: 'delivered',
    });
    const stored = await readStream(client, streamName, 5);
    expect(stored.map((record) => record.partitionKey).sort()).toEqual(
      ['a', '😀'.repeat(128), 'b', 'd', 'e'].sort(),
    );
    client.destroy();
  });

  it('splits a PutRecords call the service refuses as invalid and fails only the entries it refuses', async () => {
    const streamName = uniqueStreamName('split');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    // maxRecordBytes is raised to 2 MiB (as for a stream raised with UpdateMaxRecordSize), but
    // this stream takes at most 1 MiB per record: the 1.5 MiB item makes Kinesis refuse the
    // whole request with a ValidationException.
    const small = (i: number) => Buffer.from(`item-${i}`);
    const items = [
      ...Array.from({ length: 7 }, (_, i) => small(i)),
      Buffer.alloc(1_500_000, 120),
      ...Array.from({ length: 12 }, (_, i) => small(i + 7)),
    ];
    const reports = await lastValueFrom(
      of(...items).pipe(
        toKinesis<Uint8Array>({
          streamName,
          client,
          processor: createProcessor('bytes', bytesSerializer(), noneAggregator()),
          partitionKey: 'k',
          maxRecordBytes: 2 * 1024 * 1024,
          // Budget room for the big record next to the small ones, so all go in one call.
          putBandwidthLimitPerShard: 8 * 1024,
          onFailure: 'emit',
        }),
        toArray(),
      ),
    );
    expect(reports).toHaveLength(items.length);
    const failed = reports.filter((report) => report.status === 'failed');
    expect(failed.map((report) => report.index)).toEqual([7]);
    const error = failed[0]!.status === 'failed' ? failed[0]!.error : undefined;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error?.cause).toBeInstanceOf(KinesisValidationError);
    const delivered = reports.filter((report) => report.status === 'delivered');
    expect(delivered).toHaveLength(19);
    // Each delivered item was stored once, on its first successful call.
    expect(delivered.every((report) => report.status === 'delivered' && report.attempts === 1)).toBe(true);
    const stored = await readStream(client, streamName, 19);
    expect(stored.map((record) => record.data).sort()).toEqual(
      [...items.slice(0, 7), ...items.slice(8)].map((item) => item.toString()).sort(),
    );
    client.destroy();
  });

  it('sends the parts of split calls within maxInFlightRequests, counted at the server', async () => {
    const streamName = uniqueStreamName('split-slots');
    await kinesis.createStream(streamName, 1);
    // Each PutRecords request is held 150 ms on its way: requests sent together overlap there.
    const proxy = await startCountingProxy(kinesis.endpoint, 150);
    const client = createKinesisClient({
      endpoint: proxy.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
    });
    // Two calls of 10 (batchSize), each with one 1.5 MiB item the stream refuses (as in the test
    // above): both calls are refused whole and split again and again, two slots for all of it.
    const items = Array.from({ length: 20 }, (_, i) =>
      i === 3 || i === 14 ? Buffer.alloc(1_500_000, 120) : Buffer.from(`item-${i}`),
    );
    try {
      const reports = await lastValueFrom(
        of(...items).pipe(
          toKinesis<Uint8Array>({
            streamName,
            client,
            processor: createProcessor('bytes', bytesSerializer(), noneAggregator()),
            partitionKey: 'k',
            batchSize: 10,
            maxInFlightRequests: 2,
            maxRecordBytes: 2 * 1024 * 1024,
            putBandwidthLimitPerShard: 16 * 1024,
            onFailure: 'emit',
          }),
          toArray(),
        ),
      );
      expect(proxy.mostInFlight).toBeLessThanOrEqual(2);
      expect(proxy.putRecordsCalls).toBeGreaterThan(2);
      expect(reports).toHaveLength(items.length);
      const failed = reports.filter((report) => report.status === 'failed');
      expect(failed.map((report) => report.index).sort((a, b) => a - b)).toEqual([3, 14]);
      for (const report of failed) {
        if (report.status !== 'failed') continue;
        expect(report.error).toBeInstanceOf(DeliveryFailedError);
        expect(report.error.cause).toBeInstanceOf(KinesisValidationError);
        expect(report.error.context.streamName).toBe(streamName);
      }
      const stored = await readStream(client, streamName, 18);
      expect(stored.map((record) => record.data).sort()).toEqual(
        items
          .filter((_, i) => i !== 3 && i !== 14)
          .map((item) => item.toString())
          .sort(),
      );
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
