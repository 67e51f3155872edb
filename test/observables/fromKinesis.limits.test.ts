import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { numberedRecords } from '../consumer/putTestRecords.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
beforeAll(async () => {
  kinesis = await startTestKinesis({
    limits: true,
    faults: { internalFailureRate: 0.05, seed: 7 },
    embedded: true,
  });
});
afterAll(async () => {
  await kinesis.close();
});

const text = (record: KinesisRecord) => Buffer.from(record.data).toString();

test('throttling and injected failures from the limits layer are absorbed: every record arrives once', async () => {
  const streamName = uniqueStreamName('limits');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  // Writes are limited (and fail now and then): re-send only the failed entries.
  let pending = numberedRecords(1500, 8);
  while (pending.length > 0) {
    const batch = pending.slice(0, 200);
    const output = await client
      .send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: batch.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data) })),
        }),
      )
      .catch(() => undefined);
    const failed =
      output === undefined ? batch : batch.filter((_, i) => output.Records?.[i]?.ErrorCode !== undefined);
    pending = [...failed, ...pending.slice(200)];
    await new Promise((r) => setTimeout(r, 250));
  }
  const options = {
    streamName,
    endpoint: kinesis.endpoint,
    region: kinesis.region,
    credentials: kinesis.credentials,
    // Two consumers at 5 calls/s each on one shard exceed its 5 GetRecords/s.
    shardFetchRate: 5,
    recordLimit: 100,
    sleepTimeNoRecords: 20,
    retryLimit: 20,
    expoBackoff: 20,
  };
  const a = fromKinesis(options);
  const b = fromKinesis(options);
  const events: ConsumerEvent[] = [];
  a.events$.subscribe((e) => events.push(e));
  b.events$.subscribe((e) => events.push(e));
  // On a loaded machine the two consumers' calls can come slower than the shard's 5 GetRecords/s,
  // and nothing is throttled: a neighbour fills the shard's read budget with a burst of six calls
  // a second until the consumers have been throttled.
  let done = false;
  const { ShardIterator: iterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    }),
  );
  const neighbour = (async () => {
    while (!done && !events.some((e) => e.type === 'throttled')) {
      await Promise.all(
        Array.from({ length: 6 }, () =>
          client.send(new GetRecordsCommand({ ShardIterator: iterator })).catch(() => undefined),
        ),
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const [ra, rb] = await Promise.all([
    firstValueFrom(a.pipe(take(1500), toArray())),
    firstValueFrom(b.pipe(take(1500), toArray())),
  ]).finally(() => {
    done = true;
  });
  await neighbour;
  for (const records of [ra, rb]) {
    const values = records.map(text);
    expect(new Set(values).size).toBe(1500);
  }
  expect(events.some((e) => e.type === 'throttled')).toBe(true);
  await Promise.all([a.stopped(), b.stopped()]);
  client.destroy();
});
