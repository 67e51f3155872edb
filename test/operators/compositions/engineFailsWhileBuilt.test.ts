// toKinesis() whose producer engine fails while it is still being built: a caller's client that
// throws at once (no promise), and a scheduler that refuses the short timer of the retry of the
// first shard map load (it takes the calls' long deadline timers). The output errors with the
// producer's typed error, the source is never subscribed, and nothing of the engine is left: no
// error of the operator's own making (a variable used before it was assigned) reaches the
// subscriber.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { asyncScheduler, Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';
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

/** Timers of the calls' deadlines (tens of seconds) are taken; a retry's (under 10 s) is refused. */
function refusingScheduler(): SchedulerLike {
  return {
    now: () => asyncScheduler.now(),
    schedule: (
      work: (this: SchedulerAction<unknown>, state?: unknown) => void,
      delay?: number,
      state?: unknown,
    ) => {
      if ((delay ?? 0) < 10_000) throw new Error('scheduler broke');
      return asyncScheduler.schedule(work, delay, state);
    },
  } as SchedulerLike;
}

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
        .pipe(
          toKinesis<number>({
            streamName: 'orders',
            client,
            onFailure: 'emit',
            scheduler: refusingScheduler(),
          }),
        )
        .subscribe({
          next: (report) => nexts.push(report),
          error: resolve,
          complete: () => resolve('completed'),
        });
    });
    expect(outcome).toBeInstanceOf(RxjsKinesisError);
    expect((outcome as Error).message).toContain('scheduler broke');
    expect((outcome as RxjsKinesisError).context.streamName).toBe('orders');
    expect(nexts).toEqual([]);
    expect(subscribed).toBe(0);
    // The shard map was asked for once; the engine, stopped, asks for nothing more.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls()).toBe(1);
  });

  it('Producer: the first flush() rejects with the same failure; close() then resolves', async () => {
    const { client } = throwingClient();
    const producer = new Producer<number>({ streamName: 'orders', client, scheduler: refusingScheduler() });
    await expect(producer.flush()).rejects.toThrow('scheduler broke');
    await expect(producer.close()).resolves.toBeUndefined();
  });
});
