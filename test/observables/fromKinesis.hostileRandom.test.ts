// A `random` option that throws, draws outside [0, 1) (say `() => Math.random() * 10`) or draws
// what is not a number. Its draws only spread back-off delays: a bad one is replaced by
// Math.random(), as the producer does, and the throttled shard is read on. Before, the back-off
// drawn after a throttled GetRecords threw out of the consumer (an uncaught exception: the process
// ended) and the shard was never read again.
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import type { KinesisRecord } from '../../src/consumer/KinesisRecord.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(60_000);

let local: LocalKinesis;
beforeAll(async () => {
  // One GetRecords call per second per shard: a consumer fetching five a second is throttled.
  // Three records, a call each: the shard is throttled and read on twice.
  local = await startLocalKinesis({ limits: { getRecordsCallsPerSecond: 1 } });
});
afterAll(async () => {
  await local.close();
});

describe.each([
  [
    'throws',
    (): number => {
      throw new Error('random broke');
    },
  ],
  ['draws 2', () => 2],
  ['draws NaN', () => Number.NaN],
  // Not a number (a JavaScript caller): 0n passes `>= 0 && < 1`, and arithmetic with it throws.
  ['draws a bigint', () => 0n as unknown as number],
])('fromKinesis with a random option that %s', (_, random) => {
  test('a throttled shard backs off and is read to the last record', async () => {
    const streamName = uniqueStreamName('random');
    await local.createStream(streamName, 1);
    const client = local.createClient();
    await putTestRecords(client, streamName, numberedRecords(3));
    client.destroy();
    const consumer = fromKinesis({
      streamName,
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      recordLimit: 1, // a call per record
      shardFetchRate: 5,
      sleepTimeNoRecords: 0,
      expoBackoff: 20,
      expoBackoffLimit: 200,
      retryLimit: 50,
      random,
    });
    let throttled = 0;
    consumer.events$.subscribe((event) => {
      if (event.type === 'throttled') throttled += 1;
    });
    const records: KinesisRecord[] = await firstValueFrom(
      consumer.pipe(take(3), toArray(), timeout({ first: 30_000 })),
    );
    await consumer.stopped();
    expect(records.map((record) => Buffer.from(record.data).toString())).toEqual(['0', '1', '2']);
    expect(throttled).toBeGreaterThan(0);
  });
});
