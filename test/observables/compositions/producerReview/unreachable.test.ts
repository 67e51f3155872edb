// toKinesis() and Producer aimed at an endpoint nothing listens on: the items fail within
// connectionFailureTimeout with a DeliveryFailedError whose cause is a ConnectionError, the output
// ends, and nothing of the producer is left (no timer, no socket).
import { createServer, type Server } from 'node:net';
import { from, lastValueFrom, take, toArray, Subject } from 'rxjs';
import { ConnectionError } from '../../../../src/kinesis/errors/ConnectionError.js';
import { toKinesis } from '../../../../src/operators/toKinesis.js';
import { DeliveryFailedError } from '../../../../src/producer/errors/DeliveryFailedError.js';
import { Producer } from '../../../../src/producer/Producer.js';
import type { ProducerOptions } from '../../../../src/producer/ProducerOptions.js';
import { CountingScheduler } from './support/countingScheduler.js';
import { eventually, socketsTo, waitFor } from './support/activeSockets.js';

/** A loopback port that refuses connections: a server is bound to find a free one, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an unreachable Kinesis', () => {
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });

  const options = (scheduler: CountingScheduler): ProducerOptions<number> => ({
    streamName: 'nowhere',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    partitionKey: 'k',
    bufferTime: 10,
    connectionFailureTimeout: 1_000,
    scheduler,
  });

  it('toKinesis(onFailure: emit): every item a failed report naming the connection failure, then complete', async () => {
    const scheduler = new CountingScheduler();
    const reports = await lastValueFrom(
      from([0, 1, 2, 3, 4]).pipe(toKinesis({ ...options(scheduler), onFailure: 'emit' }), toArray()),
    );
    expect(reports.map((report) => report.index).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const report of reports) {
      expect(report.status).toBe('failed');
      const error = (report as { error: unknown }).error;
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect((error as DeliveryFailedError).cause).toBeInstanceOf(ConnectionError);
    }
    expect(scheduler.live).toBe(0);
    expect(await eventually(() => socketsTo(port) === 0, 1_000)).toBe(true);
  });

  it('toKinesis(): take(1) on the reports of a run that cannot connect ends the producer once its items failed', async () => {
    const scheduler = new CountingScheduler();
    let disposed = false;
    const source = new Subject<number>();
    const first = lastValueFrom(
      source.pipe(
        toKinesis({
          ...options(scheduler),
          onFailure: 'emit',
          metricsObserver: { complete: () => (disposed = true) },
        }),
        take(1),
        toArray(),
      ),
    );
    for (const id of [0, 1, 2]) source.next(id);
    const [report] = await first;
    expect(report!.status).toBe('failed');
    await waitFor(() => disposed, 10_000, 'the producer to stop');
    expect(scheduler.live).toBe(0);
  });

  it('Producer: flush() rejects with the DeliveryFailedError; close() then resolves and leaves nothing', async () => {
    const scheduler = new CountingScheduler();
    const producer = new Producer<number>(options(scheduler));
    await producer.put(0);
    await producer.put(1);
    const error = await producer.flush().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((error as DeliveryFailedError).cause).toBeInstanceOf(ConnectionError);
    await producer.close();
    expect(scheduler.live).toBe(0);
  });
});
