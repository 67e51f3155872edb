import { TestScheduler } from 'rxjs/testing';
import type { SchedulerLike } from 'rxjs';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import type { IteratorRequest } from '../../src/consumer/ShardReader.js';
import type { ShardSubscriber } from '../../src/consumer/ShardSubscriber.js';
import { ShardSubscription } from '../../src/consumer/ShardSubscription.js';

// A LATEST subscription renewed before any event resumes from the time of its first call, so the
// records written meanwhile are read; a wall clock set back in between must not turn it into
// LATEST again (skipping them) now that the renewal no longer waits for the clock to catch up.

const SHARD = 'shardId-000000000000';

test('LATEST renewed before any event, after the wall clock went back, starts at the first call time', async () => {
  const virtual = new TestScheduler((a, b) => expect(a).toEqual(b));
  let setBack = 0;
  // The consumer's scheduler: virtual time whose now() (the wall clock) can be set back.
  const scheduler: SchedulerLike = {
    now: () => 1_700_000_000_000 + virtual.now() - setBack,
    schedule: virtual.schedule.bind(virtual) as SchedulerLike['schedule'],
  };
  const starts: IteratorRequest[] = [];
  const rejects: ((error: unknown) => void)[] = [];
  const subscriber: ShardSubscriber = {
    subscribe: (_shardId, start) =>
      new Promise((_resolve, reject) => {
        starts.push(start);
        rejects.push(reject);
      }),
  };
  const gate = new InFlightGate(1000);
  const errors: unknown[] = [];
  const source = new ShardSubscription({
    streamName: 'orders',
    shardId: SHARD,
    start: { iteratorType: 'LATEST' },
    gate,
    fairShare: () => gate.limit,
    scheduler,
    subscriber,
    silenceTimeoutMs: 35_000,
    backoff: { baseMs: 100, capMs: 1000, retryLimit: 5, random: () => 0.5 },
    onRecords: () => undefined,
    onPage: () => undefined,
    onEnd: () => undefined,
    onEvent: () => undefined,
    onError: (error) => errors.push(error),
  });
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  const startedAt = scheduler.now();
  source.start();
  expect(starts).toEqual([{ iteratorType: 'LATEST' }]);
  virtual.frame += 200;
  setBack = 600_000; // an NTP step: ten minutes back
  rejects[0]?.(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await settle();
  // Two seconds of virtual time, running the timers due and the promise callbacks they cause.
  const target = virtual.frame + 2000;
  for (;;) {
    const next = virtual.actions[0];
    if (next === undefined || next.delay > target) break;
    virtual.maxFrames = next.delay;
    virtual.flush();
    await settle();
  }
  expect(errors).toEqual([]);
  // Renewed at the usual 1-per-second floor, not once the clock caught up with the first call.
  expect(starts).toHaveLength(2);
  expect(starts[1]).toEqual({ iteratorType: 'AT_TIMESTAMP', timestamp: new Date(startedAt) });
  source.stop();
});
