// A subclass of the caller's own may have methods of any name: the producer calls none of them
// (the browser Producer's per-item hook is not a method a subclass can name).
import { Producer } from '../../src/producer/Producer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

jest.setTimeout(60_000);

class CountingProducer extends Producer<string> {
  accepted = 0;

  /** The caller's own method, of a name the producer once used for its per-item hook. */
  itemAccepted(): void {
    this.accepted += 1;
  }
}

describe('a Producer subclass of the caller', () => {
  let kinesis: TestKinesis;
  let streamName: string;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
    streamName = uniqueStreamName('subclass');
    await kinesis.createStream(streamName, 1);
  });
  afterAll(() => kinesis.close());

  it('has none of its methods called as items are put, sent or put together', async () => {
    const producer = new CountingProducer({
      streamName,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      bufferTime: 10,
    });
    try {
      await producer.put('a');
      await producer.send('b');
      await producer.putAll(['c', 'd']);
      await producer.flush();
      expect(producer.accepted).toBe(0);
    } finally {
      await producer.close();
    }
  });
});
