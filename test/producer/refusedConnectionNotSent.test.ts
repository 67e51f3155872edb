// A PutRecords call whose connection was refused (nothing listening: the server stopped) was
// never sent, so Kinesis cannot have stored it; its items were marked possibleDuplicate all the
// same, as if the request had been lost after it went.
import { createServer, type AddressInfo } from 'node:net';
import { Producer } from '../../src/producer/Producer.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { ProducerAbortedError } from '../../src/producer/errors/ProducerAbortedError.js';
import { startLocalKinesis } from '../../src/local/startLocalKinesis.js';
import { startTestKinesis, uniqueStreamName, type TestKinesis } from '../support/kinesis.js';
import { Relay } from '../support/tcpRelay.js';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

/** A port nobody listens on: a server opened and closed again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Back-off draws: each one follows a failed attempt (the partition key is fixed). */
function countingRandom(): { readonly random: () => number; readonly draws: () => number } {
  let draws = 0;
  return {
    random: () => {
      draws += 1;
      return 0.5;
    },
    draws: () => draws,
  };
}

describe('a connection refused (embedded Kinesis)', () => {
  let kinesis: TestKinesis;
  let stream: string;
  beforeAll(async () => {
    kinesis = await startTestKinesis({ embedded: true });
    stream = uniqueStreamName('refused');
    await kinesis.createStream(stream, 1);
  });
  afterAll(() => kinesis.close());

  it('delivers the items later without marking them possibleDuplicate (a closed port)', async () => {
    const relay = new Relay(new URL(kinesis.endpoint));
    relay.port = await freePort();
    await relay.up();
    const { random, draws } = countingRandom();
    const producer = new Producer<string>({
      streamName: stream,
      endpoint: relay.endpoint,
      region: kinesis.region,
      credentials: kinesis.credentials,
      partitionKey: 'key',
      random,
      connectionFailureTimeout: 30_000,
      expoBackoff: 50,
      bufferTime: 10,
    });
    const reports: DeliveryReport<string>[] = [];
    const subscription = producer.reports$.subscribe((report) => reports.push(report));
    try {
      await producer.send('first');
      reports.length = 0;
      // The port is closed and the client's connections cut; once the client has seen them
      // close, a new request can only be refused.
      await relay.down();
      await sleep(200);
      const items = ['a', 'b', 'c'];
      const sent = Promise.all(items.map((item) => producer.send(item)));
      await until(() => draws() >= 2);
      await relay.up();
      await sent;
      const delivered = reports.flatMap((report) => (report.status === 'delivered' ? [report] : []));
      expect(delivered.map((report) => report.item).sort()).toEqual(items);
      expect(delivered.every((report) => report.attempts >= 2)).toBe(true);
      expect(delivered.filter((report) => report.possibleDuplicate)).toEqual([]);
    } finally {
      subscription.unsubscribe();
      await producer.close().catch(() => undefined);
      await relay.down();
    }
  });
});

it('aborts the items as never stored when the local Kinesis stopped mid-run', async () => {
  const local = await startLocalKinesis();
  const stream = uniqueStreamName('stopped');
  await local.createStream(stream, 1);
  const { random, draws } = countingRandom();
  const producer = new Producer<string>({
    streamName: stream,
    endpoint: local.endpoint,
    region: local.region,
    credentials: { ...local.credentials },
    partitionKey: 'key',
    random,
    connectionFailureTimeout: 30_000,
    // Long enough that the items wait to be sent again, not in flight, when the producer aborts.
    expoBackoff: 10_000,
    bufferTime: 10,
  });
  const reports: DeliveryReport<string>[] = [];
  const subscription = producer.reports$.subscribe((report) => reports.push(report));
  try {
    await producer.send('first');
    reports.length = 0;
    await local.close();
    await sleep(200);
    const items = ['a', 'b'];
    const sent = items.map((item) => producer.send(item).catch((error: unknown) => error));
    await until(() => draws() >= 1);
    await producer.close({ abort: true }).catch(() => undefined);
    const errors = await Promise.all(sent);
    expect(errors.every((error) => error instanceof ProducerAbortedError)).toBe(true);
    expect(errors.map((error) => (error as ProducerAbortedError).deliveryUnknown)).toEqual([false, false]);
  } finally {
    subscription.unsubscribe();
    await producer.close().catch(() => undefined);
    await local.close().catch(() => undefined);
  }
});
