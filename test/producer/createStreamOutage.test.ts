// A producer with createStream: true that starts while Kinesis cannot be reached: once connection
// failures have lasted connectionFailureTimeout, the items waiting fail with a ConnectionError, as
// they do for a producer that only looks its stream up. It then keeps trying (it used to fail
// every later item for good), and creates the stream and delivers once Kinesis answers again.
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { StreamNotActiveError } from '../../src/kinesis/errors/StreamNotActiveError.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';
import { uniqueStreamName } from '../support/kinesis.js';
import { Relay } from '../support/tcpRelay.js';

jest.setTimeout(120_000);

let local: LocalKinesis;
beforeAll(async () => {
  local = await startLocalKinesis();
});
afterAll(() => local.close());

test('an outage at start-up fails the items waiting, and the stream is created once Kinesis is back', async () => {
  const relay = new Relay(new URL(local.endpoint));
  await relay.up();
  await relay.down(); // connections to its port are refused from now on
  const producer = new Producer<number>({
    streamName: uniqueStreamName('created-after-outage'),
    endpoint: relay.endpoint,
    region: local.region,
    credentials: local.credentials,
    createStream: true,
    connectionFailureTimeout: 1000,
    expoBackoff: 50,
    expoBackoffLimit: 200,
  });
  try {
    const first = await producer.send(1).then(
      (report) => report.status,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(DeliveryFailedError);
    expect((first as DeliveryFailedError).cause).toBeInstanceOf(ConnectionError);

    await relay.up();
    const second = await producer.send(2).then(
      (report) => report.status,
      (error: unknown) => error,
    );
    expect(second).toBe('delivered');
  } finally {
    await producer.close().catch(() => undefined);
    await relay.down();
  }
});

test('an outage outlasting streamWaitTime: the items fail with a StreamNotActiveError naming streamWaitTime', async () => {
  const relay = new Relay(new URL(local.endpoint));
  await relay.up();
  await relay.down();
  const streamWaitTime = 1500;
  const producer = new Producer<number>({
    streamName: uniqueStreamName('never-created'),
    endpoint: relay.endpoint,
    region: local.region,
    credentials: local.credentials,
    createStream: true,
    streamWaitTime,
    connectionFailureTimeout: 500,
    expoBackoff: 50,
    expoBackoffLimit: 200,
  });
  try {
    const first = await producer.send(1).then(
      (report) => report.status,
      (error: unknown) => error,
    );
    expect((first as DeliveryFailedError).cause).toBeInstanceOf(ConnectionError);
    // The whole wait passes while Kinesis cannot be reached: the attempt under way then (it had
    // only what was left of the wait) used to name that rest, e.g. "within 393 ms".
    await new Promise((resolve) => setTimeout(resolve, streamWaitTime + 500));
    const second = await producer.send(2).then(
      (report) => report.status,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(DeliveryFailedError);
    const cause = (second as DeliveryFailedError).cause as Error;
    expect(cause).toBeInstanceOf(StreamNotActiveError);
    expect(cause.message).toMatch(
      new RegExp(`did not become ACTIVE within ${streamWaitTime} ms \\(it was never seen\\)`),
    );
  } finally {
    await producer.close().catch(() => undefined);
    await relay.down();
  }
});
