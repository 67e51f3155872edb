import { createServer } from 'node:net';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { StreamNotFoundError } from '../../src/kinesis/errors/StreamNotFoundError.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../src/producer/Producer.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { readStream } from './support/readStream.js';

jest.setTimeout(120_000);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** asyncScheduler, counting the timers scheduled on it that have neither run nor been cancelled. */
function timerCountingScheduler(): { scheduler: SchedulerLike; readonly pending: number } {
  const pending = new Set<object>();
  const scheduler: SchedulerLike = {
    now: () => asyncScheduler.now(),
    schedule<S>(work: (this: unknown, state?: S) => void, delay?: number, state?: S): Subscription {
      const timer = {};
      pending.add(timer);
      const subscription = asyncScheduler.schedule(
        function (this: unknown, value?: S) {
          pending.delete(timer);
          work.call(this, value);
        },
        delay,
        state,
      );
      subscription.add(() => pending.delete(timer));
      return subscription;
    },
  };
  return {
    scheduler,
    get pending() {
      return pending.size;
    },
  };
}

describe('a producer before its stream exists, and with no connection (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  beforeAll(async () => {
    kinesis = await startTestKinesis();
  });
  afterAll(() => kinesis.close());

  it.each([
    ['by default', {}],
    ['with streamWaitTime Infinity', { streamWaitTime: Infinity }],
  ])('looks the stream up again and delivers once it is ACTIVE (%s)', async (_, waitOption) => {
    const streamName = uniqueStreamName('later');
    const client = kinesis.createClient();
    const producer = new Producer<number>({ streamName, client, ...waitOption });
    const reports: DeliveryReport<number>[] = [];
    producer.reports$.subscribe((report) => reports.push(report));
    for (let i = 0; i < 20; i += 1) await producer.put(i);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(reports).toHaveLength(0);
    await kinesis.createStream(streamName, 2);
    await producer.close();
    expect(reports.map((report) => report.status)).toEqual(Array.from({ length: 20 }, () => 'delivered'));
    const stored = await readStream(client, streamName, 20);
    expect(stored).toHaveLength(20);
    client.destroy();
  });

  it('fails with StreamNotFoundError once streamWaitTime has passed', async () => {
    const client = kinesis.createClient();
    // Taken before the producer starts its clock, so the wait measured here is never shorter.
    const started = Date.now();
    const producer = new Producer<number>({
      streamName: uniqueStreamName('never'),
      client,
      streamWaitTime: 1000,
    });
    await producer.put(1);
    const error = await producer.flush().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).cause).toBeInstanceOf(StreamNotFoundError);
    await producer.close().catch(() => undefined);
    client.destroy();
  });

  it('fails pending items with a ConnectionError naming the endpoint and the cause after connectionFailureTimeout', async () => {
    const port = await closedPort();
    const endpoint = `http://user:secret-password@127.0.0.1:${port}`;
    const producer = new Producer<number>({
      streamName: 'unreachable',
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      connectionFailureTimeout: 1000,
    });
    await producer.put(1);
    const error = await producer.flush().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    const cause = (error as DeliveryFailedError).cause;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect((cause as Error).message).toContain(`http://127.0.0.1:${port}/`);
    expect((cause as Error).message).toMatch(/ECONNREFUSED/);
    expect((cause as Error).message).not.toContain('secret-password');
    await producer.close().catch(() => undefined);
  });

  it('close() cancels the next look at a stream it cannot reach, leaving no timer behind', async () => {
    const port = await closedPort();
    const timers = timerCountingScheduler();
    const producer = new Producer<number>({
      streamName: 'unreachable',
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      connectionFailureTimeout: 200,
      scheduler: timers.scheduler,
    });
    await producer.put(1);
    await producer.flush().catch(() => undefined);
    // The producer keeps looking for the stream (it recovers when the network does) ...
    expect(timers.pending).toBeGreaterThan(0);
    await producer.close().catch(() => undefined);
    // ... until it is closed: a retry timer left behind would keep the process alive.
    expect(timers.pending).toBe(0);
  });
});
