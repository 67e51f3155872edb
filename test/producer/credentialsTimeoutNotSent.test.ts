import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

describe('a credentials provider that times out before a request is sent (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  let stream: string;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
    stream = uniqueStreamName('late-credentials');
    await kinesis.createStream(stream, 1);
  });
  afterAll(() => kinesis.close());

  it('delivers the items on a later attempt without marking them possibleDuplicate', async () => {
    let hangs = 0;
    let hangNext = false;
    // Answers at once with credentials about to expire (so the client asks again for each
    // request), except once when told to: then it never answers (past the provider deadline).
    const hangsOnce = () => {
      if (hangNext) {
        hangNext = false;
        hangs += 1;
        return new Promise<never>(() => undefined);
      }
      return Promise.resolve({ ...kinesis.credentials, expiration: new Date(Date.now() + 1_000) });
    };
    const producer = new Producer<string>({
      streamName: stream,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: hangsOnce,
      connectTimeout: 100,
      requestTimeout: 200,
      connectionFailureTimeout: 30_000,
      expoBackoff: 10,
      bufferTime: 10,
    });
    const reports: DeliveryReport<string>[] = [];
    const subscription = producer.reports$.subscribe((report) => reports.push(report));
    try {
      await producer.send('first');
      reports.length = 0;
      hangNext = true;
      const items = ['a', 'b', 'c'];
      await Promise.all(items.map((item) => producer.send(item)));
      await producer.close();
      expect(hangs).toBe(1);
      const delivered = reports.flatMap((report) => (report.status === 'delivered' ? [report] : []));
      expect(delivered.map((report) => report.item).sort()).toEqual(items);
      // The first attempt failed on the credentials deadline, before anything was sent.
      expect(delivered.every((report) => report.attempts >= 2)).toBe(true);
      expect(delivered.filter((report) => report.possibleDuplicate)).toEqual([]);
    } finally {
      subscription.unsubscribe();
      await producer.close();
    }
  });
});
