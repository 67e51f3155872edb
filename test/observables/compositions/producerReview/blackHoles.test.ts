// Requests that are read and never answered (black holes) and answers dropped after the write:
// a producer with short deadlines gives each up, re-sends its records marked possibleDuplicate,
// reports every item once, and an item is stored twice only when a report says it may be.
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createKinesisClient } from '../../../../src/kinesis/createKinesisClient.js';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import type { DeliveredReport, DeliveryReport } from '../../../../src/producer/DeliveryReport.js';
import { Producer } from '../../../../src/producer/Producer.js';
import { readStream } from '../../../producer/support/readStream.js';
import { uniqueStreamName } from '../../../support/kinesis.js';
import { waitActive } from '../../../support/streamRecords.js';
import { useTestKinesis } from '../../../support/useTestKinesis.js';

const kinesis = useTestKinesis({ faults: { blackHoleRate: 0.1, resetAfterWriteRate: 0.1, seed: 5 } });

/** A client that gives up on a silent request after 1 s and tries 10 times. */
function patientClient() {
  return createKinesisClient({
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    connectTimeout: 500,
    requestTimeout: 1_000,
    maxAttempts: 10,
  });
}

async function createStream(name: string): Promise<void> {
  const client = patientClient();
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  } catch (error) {
    // A retried CreateStream whose first attempt was carried out.
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  await waitActive(client, name);
  client.destroy();
}

function ids(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

async function expectStoredAsReported(
  streamName: string,
  reports: readonly DeliveryReport<number>[],
): Promise<void> {
  const client = patientClient();
  const stored = await readStream(client, streamName, reports.length);
  client.destroy();
  const copies = new Map<number, number>();
  for (const record of stored) {
    const id = JSON.parse(record.data) as number;
    copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  for (const report of reports as DeliveredReport<number>[]) {
    const n = copies.get(report.item) ?? 0;
    expect({ item: report.item, stored: n > 0 }).toEqual({ item: report.item, stored: true });
    if (n > 1)
      expect({ item: report.item, possibleDuplicate: report.possibleDuplicate }).toEqual({
        item: report.item,
        possibleDuplicate: true,
      });
  }
}

const producerOptions = (streamName: string) => ({
  streamName,
  endpoint: kinesis.endpoint,
  region: kinesis.region,
  credentials: kinesis.credentials,
  connectTimeout: 500,
  requestTimeout: 1_000,
  partitionKey: (id: number) => `k${id % 9}`,
  bufferTime: 10,
  // Many calls (80 for 400 items), so that some meet a fault whatever the timing.
  batchSize: 5,
  expoBackoff: 20,
});

describe('black holes and answers lost after the write', () => {
  it('toKinesis(): every item reported once and delivered; re-sent ones marked possibleDuplicate', async () => {
    const streamName = uniqueStreamName('blackhole');
    await createStream(streamName);
    const reports = await lastValueFrom(
      from(ids(400)).pipe(toKinesis<number>(producerOptions(streamName)), toArray()),
    );
    expect(reports.map((report) => report.item).sort((a, b) => a - b)).toEqual(ids(400));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    // 80 calls or more at 10% + 10%: some attempt got no answer (all escaping: odds ~1e-8).
    expect(reports.some((report) => report.status === 'delivered' && report.possibleDuplicate)).toBe(true);
    await expectStoredAsReported(streamName, reports);
  });

  it('Producer: send() and put() items each settle once; close() resolves', async () => {
    const streamName = uniqueStreamName('blackhole');
    await createStream(streamName);
    const producer = new Producer<number>(producerOptions(streamName));
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    const sent = Promise.all(ids(50).map((id) => producer.send(id)));
    for (const id of ids(250).slice(50)) await producer.put(id);
    await producer.close();
    expect((await sent).map((report) => report.item)).toEqual(ids(50));
    expect(reports.map((report) => report.item).sort((a, b) => a - b)).toEqual(ids(250));
    expect(reports.every((report) => report.status === 'delivered')).toBe(true);
    await expectStoredAsReported(streamName, reports);
  });
});
