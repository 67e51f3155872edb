// Case: a failed delivery report named the shard its item's record was meant for only in
// `error.context.shardId`, while a delivered report has `shardId`. A failed report of an item
// bound to a shard now has `shardId` too (the same as its error's context); an item that failed
// before it was bound to one (bad input) has none.
import { lastValueFrom, of, toArray } from 'rxjs';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { jsonProcessor } from '../../src/processors/namedProcessors.js';
import type { DeliveryReport, FailedReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { useTestKinesis } from '../support/useTestKinesis.js';

jest.setTimeout(60_000);

// Every PutRecords entry fails (InternalFailure); with retryLimit 0 the items fail at once.
const kinesis = useTestKinesis({ faults: { internalFailureRate: 1, seed: 3 } });

async function createStream(name: string, shards: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await kinesis.createStream(name, shards);
      return;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceInUseException') return;
      if (attempt >= 8) throw error;
    }
  }
}

const failed = (reports: readonly DeliveryReport<unknown>[]): FailedReport<unknown>[] =>
  reports.filter((report): report is FailedReport<unknown> => report.status === 'failed');

test('toKinesis(): a failed report names the shard its record was meant for', async () => {
  const streamName = uniqueStreamName('failedshard');
  await createStream(streamName, 2);
  const client = kinesis.createClient();
  try {
    const items = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }, { bad: 1n }];
    const reports = await lastValueFrom(
      of(...items).pipe(
        toKinesis<object>({
          streamName,
          client,
          processor: jsonProcessor(),
          partitionKey: (item) => JSON.stringify(Object.keys(item)) + String(Object.values(item)[0]),
          retryLimit: 0,
          onFailure: 'emit',
          bufferTime: 5,
        }),
        toArray(),
      ),
    );
    const failures = failed(reports);
    expect(failures).toHaveLength(items.length);
    const shards = new Set<string>();
    for (const report of failures) {
      if (report.index === 4) {
        // Bad input (a BigInt JSON cannot write): it never reached a shard.
        expect(report.error.name).toBe('ItemSerializationError');
        expect(report).not.toHaveProperty('shardId');
        continue;
      }
      expect(report.error.name).toBe('DeliveryRetryLimitError');
      expect(report.shardId).toMatch(/^shardId-\d{12}$/);
      expect(report.shardId).toBe(report.error.context.shardId);
      shards.add(report.shardId!);
    }
    expect(shards.size).toBeGreaterThan(0);
  } finally {
    client.destroy();
  }
});

test('Producer: reports$ gives a failed item its shard too', async () => {
  const streamName = uniqueStreamName('failedshardp');
  await createStream(streamName, 1);
  const client = kinesis.createClient();
  const producer = new Producer<string>({ streamName, client, retryLimit: 0, bufferTime: 5 });
  const reports: DeliveryReport<string>[] = [];
  producer.reports$.subscribe((report) => reports.push(report));
  try {
    await expect(producer.send('x')).rejects.toMatchObject({
      name: 'DeliveryRetryLimitError',
      context: { shardId: 'shardId-000000000000' },
    });
    await producer.close();
    expect(reports).toEqual([
      expect.objectContaining({ status: 'failed', index: 0, shardId: 'shardId-000000000000' }),
    ]);
  } finally {
    client.destroy();
  }
});
