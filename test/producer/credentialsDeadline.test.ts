import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';

// Only bounds a hang: before the credentials provider had a deadline, this waited for ever.
jest.setTimeout(60_000);

/** A provider that takes the call and never answers (an identity endpoint that stays silent). */
const silentProvider = () => new Promise<never>(() => undefined);

describe('a producer whose credentials provider never answers (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  let stream: string;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
    stream = uniqueStreamName('silent-credentials');
    await kinesis.createStream(stream, 1);
  });
  afterAll(() => kinesis.close());

  it("fails a producer's items after connectionFailureTimeout, and close() resolves", async () => {
    const producer = new Producer<string>({
      streamName: stream,
      endpoint: kinesis.endpoint,
      region: kinesis.region,
      credentials: silentProvider,
      connectTimeout: 100,
      requestTimeout: 200,
      connectionFailureTimeout: 1_000,
      bufferTime: 10,
    });
    const error = await producer.send('item').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    const cause = (error as DeliveryFailedError).cause;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect((cause as Error).message).toContain('credentials provider gave no credentials');
    expect((error as DeliveryFailedError).retriable).toBe(true);
    await expect(producer.close()).resolves.toBeUndefined();
  });
});
