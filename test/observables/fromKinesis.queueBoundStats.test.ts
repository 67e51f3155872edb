// stats().maxQueueSize tells the record bound the consumer applies: with a maxQueueItems below the
// 10,000-record floor of the default (or below a maxQueueSize given), that is maxQueueItems, as a
// record holds at least one item.
import { firstValueFrom, take, toArray } from 'rxjs';
import { fromKinesis } from '../../src/observables/fromKinesis.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { numberedRecords, putTestRecords } from '../consumer/putTestRecords.js';

jest.setTimeout(60_000);

let kinesis: TestKinesis;
let streamName: string;
beforeAll(async () => {
  kinesis = await startTestKinesis();
  streamName = uniqueStreamName('bound-stats');
  await kinesis.createStream(streamName, 1);
  const client = kinesis.createClient();
  await putTestRecords(client, streamName, numberedRecords(5, 1));
  client.destroy();
});
afterAll(() => kinesis.close());

const cases = [
  { name: 'the default maxQueueSize', options: { maxQueueItems: 50 }, expected: 50 },
  { name: 'a maxQueueSize given', options: { maxQueueSize: 2_000, maxQueueItems: 300 }, expected: 300 },
  {
    name: 'a maxQueueSize below maxQueueItems',
    options: { maxQueueSize: 40, maxQueueItems: 300 },
    expected: 40,
  },
];

for (const { name, options, expected } of cases) {
  it(`${name}: stats().maxQueueSize is ${expected}`, async () => {
    const consumer = fromKinesis({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      ...options,
    });
    try {
      const read = await firstValueFrom(consumer.pipe(take(5), toArray()));
      expect(read).toHaveLength(5);
      expect(consumer.stats().maxQueueSize).toBe(expected);
    } finally {
      await consumer.stopped();
    }
  });
}
