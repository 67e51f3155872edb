import {
  PutRecordCommand,
  PutRecordsCommand,
  ProvisionedThroughputExceededException,
  type KinesisClient,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';

const ONE_KIB = new Uint8Array(1024).fill(7);

function batch(size: number, offset: number, data: Uint8Array = ONE_KIB) {
  return Array.from({ length: size }, (_, i) => ({ Data: data, PartitionKey: `pk-${offset + i}` }));
}

function countFailures(records: readonly PutRecordsResultEntry[]): number {
  return records.filter((record) => record.ErrorCode !== undefined).length;
}

describe('local Kinesis write limits', () => {
  let now = 0;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    local = await startLocalKinesis({
      limits: true,
      clock: () => now,
      streams: { writes: 1, bytes: 1, single: 1, rolling: 1 },
    });
    client = local.createClient();
  });

  afterAll(async () => {
    client.destroy();
    await local.close();
  });

  it('accepts 1,000 records per shard per second (after one second of burst) when driven at 3,000 records/s', async () => {
    now = 10_000_000;
    const acceptedPerWindow = new Map<number, number>();
    let sent = 0;
    // 3 seconds of clock time, 6 PutRecords of 500 x 1 KiB per second (3,000 records/s).
    for (let call = 0; call < 18; call += 1) {
      now = 10_000_000 + Math.round((call * 1000) / 6);
      const window = Math.floor(call / 6);
      const result = await client.send(
        new PutRecordsCommand({ StreamName: 'writes', Records: batch(500, sent) }),
      );
      sent += 500;
      const records = result.Records ?? [];
      expect(records).toHaveLength(500);
      expect(result.FailedRecordCount).toBe(countFailures(records));
      for (const record of records) {
        if (record.ErrorCode === undefined) {
          expect(record.ShardId).toBe('shardId-000000000000');
          expect(record.SequenceNumber).toMatch(/^\d+$/);
        } else {
          expect(record.ErrorCode).toBe('ProvisionedThroughputExceededException');
          expect(record.ErrorMessage).toBe(
            'Rate exceeded for shard shardId-000000000000 in stream writes under account 000000000000.',
          );
          expect(record.SequenceNumber).toBeUndefined();
        }
      }
      acceptedPerWindow.set(
        window,
        (acceptedPerWindow.get(window) ?? 0) + records.length - countFailures(records),
      );
    }
    // The bucket starts with one second's budget; after that the shard takes 1,000 records/s.
    const [first, second, third] = [...acceptedPerWindow.values()];
    expect(first).toBeLessThanOrEqual(2000);
    expect(second).toBeGreaterThanOrEqual(999);
    expect(second).toBeLessThanOrEqual(1001);
    expect(third).toBeGreaterThanOrEqual(999);
    expect(third).toBeLessThanOrEqual(1001);
    expect(local.stats.throttledPutEntries).toBe(9000 - first! - second! - third!);
  });

  it('keeps the budget rolling: a burst across a whole second gets one budget and its refill, not two budgets', async () => {
    // 1,000 records at x.800 s, then 1,000 more at (x+1).226 s: 426 ms apart, across a second boundary.
    now = 40_000_800;
    const put = async (offset: number) => {
      let accepted = 0;
      for (let call = 0; call < 2; call += 1) {
        const result = await client.send(
          new PutRecordsCommand({ StreamName: 'rolling', Records: batch(500, offset + call * 500) }),
        );
        accepted += 500 - (result.FailedRecordCount ?? 0);
      }
      return accepted;
    };
    expect(await put(0)).toBe(1000);
    // 426 ms refill 426 records' worth (calendar windows accepted all 1,000 again).
    now = 40_001_226;
    expect(await put(1000)).toBe(426);
    now = 40_001_800;
    expect(await put(2000)).toBe(574);
    now = 40_003_000;
    expect(await put(3000)).toBe(1000);
  });

  it('accepts at most 1 MiB per shard per second (data + partition key)', async () => {
    now = 20_000_000;
    const hundredKib = new Uint8Array(100 * 1024);
    const first = await client.send(
      new PutRecordsCommand({ StreamName: 'bytes', Records: batch(15, 0, hundredKib) }),
    );
    // 10 x (102,400 + key) bytes fit in 1,048,576; the 11th does not.
    expect(first.FailedRecordCount).toBe(5);
    expect(first.Records!.slice(0, 10).every((record) => record.ErrorCode === undefined)).toBe(true);
    expect(
      first
        .Records!.slice(10)
        .every((record) => record.ErrorCode === 'ProvisionedThroughputExceededException'),
    ).toBe(true);
    now += 1000;
    const next = await client.send(
      new PutRecordsCommand({ StreamName: 'bytes', Records: batch(5, 100, hundredKib) }),
    );
    expect(next.FailedRecordCount).toBe(0);
  });

  it('fails a PutRecord over the budget whole with ProvisionedThroughputExceededException', async () => {
    now = 30_000_000;
    await client.send(new PutRecordsCommand({ StreamName: 'single', Records: batch(500, 0) }));
    await client.send(new PutRecordsCommand({ StreamName: 'single', Records: batch(500, 500) }));
    const error = await client
      .send(new PutRecordCommand({ StreamName: 'single', PartitionKey: 'one-more', Data: ONE_KIB }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as ProvisionedThroughputExceededException).message).toBe(
      'Rate exceeded for shard shardId-000000000000 in stream single under account 000000000000.',
    );
    expect((error as ProvisionedThroughputExceededException).$metadata.httpStatusCode).toBe(400);
    now += 1000;
    const ok = await client.send(
      new PutRecordCommand({ StreamName: 'single', PartitionKey: 'one-more', Data: ONE_KIB }),
    );
    expect(ok.ShardId).toBe('shardId-000000000000');
  });
});

describe('local Kinesis write limits on the real clock', () => {
  it('keeps a stream driven at ~3,000 records/s for 2 s within 1,000 records per second after the first second', async () => {
    const local = await startLocalKinesis({ limits: true, streams: { realtime: 1 } });
    const client = local.createClient();
    try {
      const start = Date.now();
      let accepted = 0;
      let throttled = 0;
      let sent = 0;
      // Bounded: 12 calls of 500 records, one every ~166 ms (about 2 seconds).
      for (let call = 0; call < 12; call += 1) {
        const due = start + call * (1000 / 6);
        if (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        const result = await client.send(
          new PutRecordsCommand({ StreamName: 'realtime', Records: batch(500, sent) }),
        );
        sent += 500;
        throttled += result.FailedRecordCount ?? 0;
        accepted += 500 - (result.FailedRecordCount ?? 0);
      }
      const elapsedSeconds = (Date.now() - start) / 1000;
      // One second's budget at start, then 1,000 records per second.
      expect(accepted).toBeLessThanOrEqual(Math.ceil(1000 * (1 + elapsedSeconds)));
      expect(accepted).toBeGreaterThanOrEqual(1000);
      expect(throttled).toBe(6000 - accepted);
      expect(local.stats.throttledPutEntries).toBe(throttled);
    } finally {
      client.destroy();
      await local.close();
    }
  }, 60_000);
});
