// A lease lost while a handler runs with thousands of the shard's events read behind it. Those
// events are not handled (the shard's next owner reads them again): each is passed on at once,
// without work. They used to be taken one inside the other's completion (RxJS concatMap starts the
// next queued event from inside the completion of one that completes synchronously), one stack
// level per event: a backlog of some hundreds overflowed the stack, RxJS lost the error, and the
// shard's events stopped there without a word: read again once the lease came back, none was handled.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MemoryCheckpointer, type ConsumerEvent, type KinesisConsumerObservable } from 'rxjs-kinesis';
import { KinesisTransportStrategy } from 'rxjs-kinesis/nestjs';
import { emitted, Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(240_000);
const WAIT_MS = 90_000;
/** Far more events behind the handler than the default stack took by recursion (a few hundred). */
const EVENTS = 3000;

const harness = useNestHarness();

it('thousands of events read behind a handler when the lease is lost pass by; the shard is handled again once it is back', async () => {
  const streamName = await harness.createStream('nest-lost-backlog');
  // The store's clock can be moved: another worker takes the lease as if it had run out. The
  // lease is long enough that renewals on a loaded machine keep it (one lost by a late renewal is
  // read again from its checkpoint: at least once, allowed below).
  let skew = 0;
  const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 9000, now: () => Date.now() + skew });
  const gate = new Gate();
  const handled: number[] = [];
  let firstEnded = false;
  @Controller()
  class BacklogController {
    @EventPattern('work')
    async work(@Payload() data: { n: number }): Promise<void> {
      handled.push(data.n);
      if (data.n !== 0) return;
      gate.entered = true;
      await gate.opened;
      firstEnded = true;
    }
  }
  const client = harness.client(streamName);
  const reports = await Promise.all(
    Array.from({ length: EVENTS }, (_, n) => emitted(client, 'work', { n }, 'one')),
  );
  const events: ConsumerEvent[] = [];
  const errors: unknown[] = [];
  const strategy = new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
  });
  strategy.on('consumer-event', (event) => events.push(event));
  strategy.on('error', (error) => errors.push(error));
  await harness.startApp(strategy, [BacklogController]);
  const consumer = strategy.unwrap<KinesisConsumerObservable>();
  await waitFor('the first handler', () => gate.entered, WAIT_MS);
  await waitFor('every event read', () => consumer.stats().inFlight === EVENTS, WAIT_MS);

  skew = 3_600_000;
  const taken = await checkpointer.acquireLease(streamName, reports[0]!.shardId, 'other-worker');
  skew = 0;
  expect(taken).toBeDefined();
  await waitFor('the loss', () => events.some((event) => event.type === 'lease-lost'), WAIT_MS);
  gate.open();
  // The other worker gives the shard back: this one reads every event again (nothing was
  // checkpointed) and handles them, the shard's backlog of the lost lease having passed by.
  await waitFor('the first handler to end', () => firstEnded, WAIT_MS);
  await checkpointer.releaseLease(taken!);
  await waitFor(
    'the events read again to be handled',
    () => firstHandlings(handled.slice(1)).length >= EVENTS || errors.length > 0,
    // Reading and handling 3,000 events again: seconds when idle, over 30 s at a load of 20.
    3 * WAIT_MS,
  );
  expect(errors).toEqual([]);
  const every = Array.from({ length: EVENTS }, (_, n) => n);
  const losses = events.filter((event) => event.type === 'lease-lost').length;
  if (losses === 1) {
    // The first event's handler once, then every event in order.
    expect(handled).toEqual([0, ...every]);
  } else {
    // Lost again by a late renewal: events after the last checkpoint are handled again, in order.
    expect(handled[0]).toBe(0);
    expect(firstHandlings(handled.slice(1))).toEqual(every);
  }
});

/** The handlings that are not repeats, in order: a repeat goes back to an event handled before. */
function firstHandlings(handled: readonly number[]): number[] {
  const first: number[] = [];
  for (const n of handled) if (n === first.length) first.push(n);
  return first;
}
