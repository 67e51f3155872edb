// toKinesis() whose producer engine fails while it is still being built: a caller's client that
// throws at once (no promise) and a `random` option that throws when the first shard map load is
// retried. The output errors with the producer's typed error, the source is never subscribed, and
// nothing of the engine is left: no error of the operator's own making (a variable used before it
// was assigned) reaches the subscriber.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Observable } from 'rxjs';
import { RxjsKinesisError } from '../../../src/errors/RxjsKinesisError.js';
import { toKinesis } from '../../../src/operators/toKinesis.js';
import { Producer } from '../../../src/producer/Producer.js';

/** A client whose send() throws before returning anything, as a server error would be answered. */
function throwingClient(): { client: KinesisClient; calls: () => number } {
  let calls = 0;
  const client = {
    send: () => {
      calls += 1;
      throw Object.assign(new Error('internal failure'), {
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 500 },
        $fault: 'server',
      });
    },
  } as unknown as KinesisClient;
  return { client, calls: () => calls };
}

const brokenRandom = (): number => {
  throw new Error('random broke');
};

describe('toKinesis(): the engine fails while it is built', () => {
  it('errors the output with the typed producer failure; the source is not subscribed', async () => {
    const { client, calls } = throwingClient();
    let subscribed = 0;
    const source = new Observable<number>((subscriber) => {
      subscribed += 1;
      subscriber.next(1);
      subscriber.complete();
    });
    const nexts: unknown[] = [];
    const outcome = await new Promise<unknown>((resolve) => {
      source
        .pipe(toKinesis<number>({ streamName: 'orders', client, onFailure: 'emit', random: brokenRandom }))
        .subscribe({
          next: (report) => nexts.push(report),
          error: resolve,
          complete: () => resolve('completed'),
        });
    });
    expect(outcome).toBeInstanceOf(RxjsKinesisError);
    expect((outcome as Error).message).toContain('random broke');
    expect((outcome as RxjsKinesisError).context.streamName).toBe('orders');
    expect(nexts).toEqual([]);
    expect(subscribed).toBe(0);
    // The shard map was asked for once; the engine, stopped, asks for nothing more.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls()).toBe(1);
  });

  it('Producer: the first flush() rejects with the same failure; close() then resolves', async () => {
    const { client } = throwingClient();
    const producer = new Producer<number>({ streamName: 'orders', client, random: brokenRandom });
    await expect(producer.flush()).rejects.toThrow('random broke');
    await expect(producer.close()).resolves.toBeUndefined();
  });
});
