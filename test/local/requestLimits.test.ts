import {
  InvalidArgumentException,
  PutRecordCommand,
  PutRecordsCommand,
  ValidationException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const MIB = 1024 * 1024;
/** How Kinesis prints each entry of the record list in a message. */
const ENTRY = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';

describe('local Kinesis request limits', () => {
  let now = 1_000_000;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    // Each test runs in a fresh 1-second window, so the write rate limit never interferes.
    local = await startLocalKinesis({ limits: true, clock: () => now, streams: { sizes: 2 } });
    client = local.createClient();
  });

  beforeEach(() => {
    now += 1000;
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('rejects a 6 MiB PutRecords with InvalidArgumentException as AWS does', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({
      Data: new Uint8Array(MIB - 16),
      PartitionKey: `k${i}`,
    }));
    const error = await client
      .send(new PutRecordsCommand({ StreamName: 'sizes', Records: records }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentException);
    expect((error as Error).message).toBe('Records size exceeds 5 MB limit');
    expect((error as InvalidArgumentException).$metadata.httpStatusCode).toBe(400);
  });

  it('counts partition keys in the 5 MiB request limit', async () => {
    const exact = Array.from({ length: 5 }, (_, i) => ({
      Data: new Uint8Array(MIB - 2),
      PartitionKey: `k${i}`,
    }));
    const ok = await client.send(new PutRecordsCommand({ StreamName: 'sizes', Records: exact }));
    expect(ok.Records).toHaveLength(5);
    now += 1000;
    const over = exact.map((record, i) => (i === 0 ? { ...record, PartitionKey: 'k0x' } : record));
    await expect(
      client.send(new PutRecordsCommand({ StreamName: 'sizes', Records: over })),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('rejects a 1 MiB + 1 byte record with ValidationException as AWS does', async () => {
    const records = [
      { Data: new Uint8Array(10), PartitionKey: 'small' },
      { Data: new Uint8Array(MIB + 1), PartitionKey: 'big' },
    ];
    const error = await client
      .send(new PutRecordsCommand({ StreamName: 'sizes', Records: records }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    const single = await client
      .send(new PutRecordCommand({ StreamName: 'sizes', PartitionKey: 'big', Data: new Uint8Array(MIB + 1) }))
      .catch((e: unknown) => e);
    expect(single).toBeInstanceOf(ValidationException);
    expect((single as Error).message).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
  });

  it('counts the partition key in the 1 MiB record limit', async () => {
    const error = await client
      .send(new PutRecordCommand({ StreamName: 'sizes', PartitionKey: 'key', Data: new Uint8Array(MIB - 2) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    // Worded as the model check words a blob too large, with the room the key leaves the data.
    expect((error as Error).message).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048574 cap=1048574]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048573",
    );
    const ok = await client.send(
      new PutRecordCommand({ StreamName: 'sizes', PartitionKey: 'ke', Data: new Uint8Array(MIB - 2) }),
    );
    expect(ok.SequenceNumber).toMatch(/^\d+$/);
  });

  it('rejects more than 500 records with ValidationException', async () => {
    const records = Array.from({ length: 501 }, (_, i) => ({
      Data: new Uint8Array(1),
      PartitionKey: `k${i}`,
    }));
    const error = await client
      .send(new PutRecordsCommand({ StreamName: 'sizes', Records: records }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      `1 validation error detected: Value '[${Array.from({ length: 501 }, () => ENTRY).join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
    );
    expect(local.stats.rejectedRequests).toBeGreaterThanOrEqual(5);
  });
});

describe('local Kinesis request checks left to the backing store', () => {
  it('reports an invalid partition key at its position in the request', async () => {
    const local = await startLocalKinesis({ limits: { writeRecordsPerSecond: 1 }, streams: { keys: 1 } });
    const client = local.createClient();
    try {
      const records = [
        { Data: new Uint8Array(1), PartitionKey: 'a' },
        { Data: new Uint8Array(1), PartitionKey: 'b' },
        { Data: new Uint8Array(1), PartitionKey: 'x'.repeat(257) },
      ];
      const error = await client
        .send(new PutRecordsCommand({ StreamName: 'keys', Records: records }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toContain("at 'records.3.member.partitionKey'");
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
