// A producer with createStream: true creates its stream, then waits for it to become ACTIVE for
// streamWaitTime, as one that finds its stream missing or CREATING does; it used to wait 120 s
// whatever streamWaitTime said (ensureStream's own default). A local Kinesis keeps each created
// stream CREATING for a few seconds; the producer's clock is moved ahead past those waits.
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';
import { startLocalKinesis, type LocalKinesis } from '../../src/local/startLocalKinesis.js';
import { FastForwardScheduler } from '../support/fastForwardScheduler.js';
import { uniqueStreamName } from '../support/kinesis.js';

jest.setTimeout(120_000);

describe('createStream: true waits streamWaitTime for the stream it created', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    // Far longer than the test takes to move the producer's clock past 120 s.
    local = await startLocalKinesis({ streamStatusDelayMs: 8_000 });
  });
  afterAll(() => local.close());

  function producerFor(streamName: string, streamWaitTime: number, scheduler: FastForwardScheduler) {
    return new Producer<number>({
      streamName,
      endpoint: local.endpoint,
      region: local.region,
      credentials: local.credentials,
      createStream: true,
      streamWaitTime,
      scheduler,
    });
  }

  // Each waits for its own stream to become ACTIVE: both at the same time.
  it.concurrent.each([600_000, Infinity])(
    'a streamWaitTime past 120 s (%s): still waiting at 120 s, delivered once the stream is ACTIVE',
    async (streamWaitTime) => {
      const scheduler = new FastForwardScheduler();
      const producer = producerFor(uniqueStreamName('slow-create'), streamWaitTime, scheduler);
      const sent = producer.send(1).then(
        (report) => report.status,
        (error: unknown) => error,
      );
      // 130 s of the producer's clock in about half a second, while the stream is still CREATING.
      await scheduler.advance(130_000, 50);
      await expect(sent).resolves.toBe('delivered');
      await producer.close();
    },
  );

  it('a streamWaitTime of 10 s: the items fail once it has passed, though the stream is still CREATING', async () => {
    const scheduler = new FastForwardScheduler();
    const producer = producerFor(uniqueStreamName('short-wait'), 10_000, scheduler);
    let outcome: unknown;
    let settled = false;
    void producer.send(1).then(
      (report) => ((settled = true), (outcome = report.status)),
      (error: unknown) => ((settled = true), (outcome = error)),
    );
    // The clock moves on until the item is settled (on a loaded machine the CreateStream answer
    // may come after the first seconds of the clock): the stream stays CREATING for 8 s of real
    // time, far longer than this takes.
    for (let second = 0; !settled && second < 600; second += 1) await scheduler.advance(1_000, 4);
    expect(outcome).toBeInstanceOf(DeliveryFailedError);
    expect((outcome as DeliveryFailedError).message).toContain('CREATING');
    await producer.close().catch(() => undefined);
  });
});
