import { firstValueFrom, take, toArray, filter } from 'rxjs';
import { MemoryCheckpointer } from '../../src/checkpointers/MemoryCheckpointer.js';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { CONSUMER_CONTEXT } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { checkpoint } from '../../src/operators/checkpoint.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';
import { waitFor } from '../support/streamRecords.js';
import { InvalidOptionError } from '../../src/errors/InvalidOptionError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis();
});
afterAll(async () => {
  await kinesis.close();
});

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

function connection() {
  return { endpoint: kinesis.endpoint, region: kinesis.region, credentials: kinesis.credentials };
}

/** Per shard, sequence numbers strictly increase. */
function expectPerShardOrder(records: readonly KinesisRecord[]): void {
  const last = new Map<string, bigint>();
  for (const record of records) {
    const sequence = BigInt(record.sequenceNumber);
    const previous = last.get(record.shardId);
    if (previous !== undefined) expect(sequence > previous).toBe(true);
    last.set(record.shardId, sequence);
  }
}

describe('fromKinesis against the embedded Kinesis', () => {
  test('10,000 records over 4 shards all arrive once, in per-shard order, with their fields', async () => {
    const streamName = uniqueStreamName('consume');
    await kinesis.createStream(streamName, 4);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(10_000));
    const consumer = fromKinesis({ streamName, ...connection(), shardFetchRate: 5, sleepTimeNoRecords: 50 });
    const records = await firstValueFrom(consumer.pipe(take(10_000), toArray()));
    expect(new Set(records.map(text)).size).toBe(10_000);
    expect(new Set(records.map((r) => r.shardId)).size).toBe(4);
    expectPerShardOrder(records);
    // per key order holds
    const byKey = new Map<string, number>();
    for (const record of records) {
      const value = Number(text(record));
      expect(value).toBeGreaterThan(byKey.get(record.partitionKey) ?? -1);
      byKey.set(record.partitionKey, value);
    }
    const first = records[0] as KinesisRecord;
    expect(first.streamName).toBe(streamName);
    expect(first.approximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(first.partitionKey).toMatch(/^key-/);
    expect(typeof first.millisBehindLatest).toBe('number');
    expect(first[CONSUMER_CONTEXT]?.processor.name).toBeDefined();
    await consumer.stopped();
    client.destroy();
  });

  test('is hot and shared: two subscribers get the same record objects from one set of pollers', async () => {
    const streamName = uniqueStreamName('shared');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(200));
    const consumer = fromKinesis({ streamName, ...connection(), shardFetchRate: 5, sleepTimeNoRecords: 50 });
    const events: ConsumerEvent[] = [];
    consumer.events$.subscribe((e) => events.push(e));
    const a = firstValueFrom(consumer.pipe(take(200), toArray()));
    const b = firstValueFrom(consumer.pipe(take(200), toArray()));
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.map(text).sort()).toEqual(rb.map(text).sort());
    expect(ra[0]).toBe(rb[0]);
    await consumer.stopped();
    expect(events.filter((e) => e.type === 'consumer-started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'shard-started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'lease-released')).toHaveLength(2);
    expect(events[events.length - 1]?.type).toBe('consumer-stopped');
    client.destroy();
  });

  test('each iterator type starts where it should', async () => {
    const streamName = uniqueStreamName('iter');
    await kinesis.createStream(streamName, 1);
    const client = kinesis.createClient();
    const seqs = await putTestRecords(client, streamName, numberedRecords(10, 1));
    await new Promise((r) => setTimeout(r, 1100));
    const middle = new Date();
    await new Promise((r) => setTimeout(r, 1100));
    await putTestRecords(client, streamName, numberedRecords(5, 1, 10));
    const read = async (options: Partial<Parameters<typeof fromKinesis>[0]>, count: number) =>
      (
        await firstValueFrom(
          fromKinesis({
            streamName,
            ...connection(),
            sleepTimeNoRecords: 50,
            shardFetchRate: 5,
            ...options,
          }).pipe(take(count), toArray()),
        )
      ).map(text);

    expect(await read({ iteratorType: 'TRIM_HORIZON' }, 15)).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i)),
    );
    expect(await read({ iteratorType: 'AT_TIMESTAMP', timestamp: middle }, 5)).toEqual([
      '10',
      '11',
      '12',
      '13',
      '14',
    ]);
    expect(await read({ iteratorType: 'AT_SEQUENCE_NUMBER', sequenceNumber: seqs[3] as string }, 2)).toEqual([
      '3',
      '4',
    ]);
    expect(
      await read({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: seqs[3] as string }, 2),
    ).toEqual(['4', '5']);

    const latest = fromKinesis({
      streamName,
      ...connection(),
      iteratorType: 'LATEST',
      sleepTimeNoRecords: 50,
      shardFetchRate: 5,
    });
    const started = firstValueFrom(latest.events$.pipe(filter((e) => e.type === 'shard-started')));
    const result = firstValueFrom(latest.pipe(take(2), toArray()));
    await started;
    // Written once the LATEST iterator was taken (a page was read with it): a fixed pause could end
    // first on a loaded machine, and records written before the iterator are not LATEST's to read.
    await waitFor(() => latest.stats().shards.some((shard) => shard.getRecordsCalls > 0), {
      timeoutMs: 30_000,
      message: () => 'no page read with the LATEST iterator',
    });
    await putTestRecords(client, streamName, numberedRecords(2, 1, 100));
    expect((await result).map(text)).toEqual(['100', '101']);
    client.destroy();
  });

  test('resumes after a restart from checkpoint(): nothing that passed is delivered again, nothing is skipped', async () => {
    const streamName = uniqueStreamName('resume');
    await kinesis.createStream(streamName, 2);
    const client = kinesis.createClient();
    await putTestRecords(client, streamName, numberedRecords(1000));
    const checkpointer = new MemoryCheckpointer();
    const options = { streamName, ...connection(), sleepTimeNoRecords: 50, shardFetchRate: 5 };

    const run1 = fromKinesis(options);
    const first = await firstValueFrom(
      run1.pipe(checkpoint(checkpointer, { batchSize: 50 }), take(400), toArray()),
    );
    await run1.stopped();
    const stored = await checkpointer.listLeases(streamName);
    expect(stored.every((lease) => lease.owner === undefined)).toBe(true);

    const run2 = fromKinesis(options);
    const second = await firstValueFrom(run2.pipe(checkpoint(checkpointer), take(600), toArray()));
    await run2.stopped();
    const all = [...first, ...second].map(text);
    expect(new Set(all).size).toBe(1000);
    expect(all).toHaveLength(1000);
    client.destroy();
  });

  test('fails fast on bad options and errors with a typed error for a missing stream', async () => {
    expect(() => fromKinesis({ streamName: 'bad name!' })).toThrow(InvalidOptionError);
    expect(() => fromKinesis({ streamName: 's', shardFetchRate: 6 })).toThrow(InvalidOptionError);
    expect(() => fromKinesis({ streamName: 's', iteratorType: 'AT_TIMESTAMP' })).toThrow(/timestamp/);
    await expect(
      firstValueFrom(
        fromKinesis({ streamName: uniqueStreamName('missing'), ...connection(), retryLimit: 0 }),
      ),
    ).rejects.toBeInstanceOf(StreamNotFoundError);
  });
});
