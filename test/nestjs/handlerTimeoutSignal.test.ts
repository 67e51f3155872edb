// A handler whose timeout passed is told to stop: its `context.getAbortSignal()` fires with the
// HandlerTimeoutError its event is dead-lettered with, before the shard's next event starts. Each
// handler of an event has its own signal (another one's timeout does not fire it), and once a
// handler ended nothing of it is left on the event's signal, which lives as long as the lease.
import 'reflect-metadata';
import { getEventListeners } from 'node:events';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { MemoryCheckpointer } from 'rxjs-kinesis';
import {
  HandlerTimeoutError,
  KinesisTransportStrategy,
  type KinesisContext,
  type KinesisDeadLetter,
} from 'rxjs-kinesis/nestjs';
import { emitted, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;
/** How long the slow handlers would work if nothing told them to stop. */
const WORK_MS = 3000;

const harness = useNestHarness();

/** A transport on the stream with quick checkpoints, whose dead letters go to `deadLetters`. */
function transport(streamName: string, deadLetters: KinesisDeadLetter[]): KinesisTransportStrategy {
  return new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, new MemoryCheckpointer()),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
}

/** Works for `ms` in steps, stopping early once `signal` fired; tells whether it stopped early. */
async function work(signal: AbortSignal, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (signal.aborted) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return signal.aborted;
}

/** What a handler saw of its signal. */
interface Seen {
  readonly name: string;
  readonly stoppedEarly: boolean;
  readonly reason: unknown;
}

describe('handler timeout and the abort signal', () => {
  it("fires a handler's signal at its own timeout, with the dead letter's error, before the shard's next event starts", async () => {
    const streamName = await harness.createStream('nest-timeout-signal');
    const seen: Seen[] = [];
    const order: string[] = [];
    let slowSignalWhenNextStarted: boolean | undefined;
    let slowSignal: AbortSignal | undefined;
    @Controller()
    class SlowController {
      @EventPattern('slow', { timeoutMs: 200 })
      async slow(@Ctx() context: KinesisContext): Promise<void> {
        const signal = context.getAbortSignal();
        slowSignal = signal;
        order.push('slow started');
        const stoppedEarly = await work(signal, WORK_MS);
        seen.push({ name: 'slow', stoppedEarly, reason: signal.reason });
        order.push('slow stopped');
      }

      @MessagePattern('ask', { timeoutMs: 200 })
      async ask(@Ctx() context: KinesisContext): Promise<string> {
        const signal = context.getAbortSignal();
        const stoppedEarly = await work(signal, WORK_MS);
        seen.push({ name: 'ask', stoppedEarly, reason: signal.reason });
        return 'a reply nobody reads';
      }

      @EventPattern('next')
      next(@Payload() data: { n: number }): void {
        slowSignalWhenNextStarted ??= slowSignal?.aborted;
        order.push(`next ${data.n}`);
      }
    }
    const deadLetters: KinesisDeadLetter[] = [];
    await harness.startApp(transport(streamName, deadLetters), [SlowController]);
    const client = harness.client(streamName);
    await emitted(client, 'slow', {}, 'k');
    await emitted(client, 'next', { n: 1 }, 'k');
    await emitted(client, 'ask', {}, 'k');
    await emitted(client, 'next', { n: 2 }, 'k');
    await waitFor('the last event', () => order.includes('next 2'), WAIT_MS);
    await waitFor('both slow handlers to stop', () => seen.length === 2, WAIT_MS);

    expect(deadLetters.map((deadLetter) => deadLetter.reason)).toEqual([
      'handler-timeout',
      'handler-timeout',
    ]);
    const [slowLetter, askLetter] = deadLetters;
    expect(seen).toEqual([
      { name: 'slow', stoppedEarly: true, reason: slowLetter?.error },
      { name: 'ask', stoppedEarly: true, reason: askLetter?.error },
    ]);
    expect(slowLetter?.error).toBeInstanceOf(HandlerTimeoutError);
    expect((slowLetter?.error as HandlerTimeoutError).timeoutMs).toBe(200);
    // The slow handler was told before the next event of its shard started (a Promise cannot be
    // stopped: when it notices is its own affair).
    expect(order.indexOf('slow started')).toBeLessThan(order.indexOf('next 1'));
    expect(slowSignalWhenNextStarted).toBe(true);
  });

  it('each handler of a pattern has its own signal: a short timeout fires only its own', async () => {
    const streamName = await harness.createStream('nest-timeout-pair');
    const seen: Seen[] = [];
    @Controller()
    class PairController {
      @EventPattern('pair', { timeoutMs: 200 })
      async short(@Ctx() context: KinesisContext): Promise<void> {
        const signal = context.getAbortSignal();
        seen.push({ name: 'short', stoppedEarly: await work(signal, WORK_MS), reason: signal.reason });
      }

      @EventPattern('pair')
      async long(@Ctx() context: KinesisContext): Promise<void> {
        const signal = context.getAbortSignal();
        // Works on past the other handler's timeout.
        seen.push({ name: 'long', stoppedEarly: await work(signal, 1000), reason: signal.reason });
      }

      // Both at the same timeout (the event's longest): each is told, with the same error.
      @EventPattern('both', { timeoutMs: 300 })
      async first(@Ctx() context: KinesisContext): Promise<void> {
        const signal = context.getAbortSignal();
        seen.push({ name: 'first', stoppedEarly: await work(signal, WORK_MS), reason: signal.reason });
      }

      @EventPattern('both', { timeoutMs: 300 })
      async second(@Ctx() context: KinesisContext): Promise<void> {
        const signal = context.getAbortSignal();
        seen.push({ name: 'second', stoppedEarly: await work(signal, WORK_MS), reason: signal.reason });
      }
    }
    const deadLetters: KinesisDeadLetter[] = [];
    await harness.startApp(transport(streamName, deadLetters), [PairController]);
    const client = harness.client(streamName);
    await emitted(client, 'pair', {}, 'k');
    await emitted(client, 'both', {}, 'k');
    await waitFor('every handler to stop', () => seen.length === 4, WAIT_MS);
    await waitFor('both dead letters', () => deadLetters.length === 2, WAIT_MS);

    const [pairLetter, bothLetter] = deadLetters;
    expect(seen.slice(0, 2)).toEqual([
      { name: 'short', stoppedEarly: true, reason: pairLetter?.error },
      { name: 'long', stoppedEarly: false, reason: undefined },
    ]);
    // The two handlers told at once may notice in either order.
    const both = seen.slice(2).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(both).toEqual([
      { name: 'first', stoppedEarly: true, reason: bothLetter?.error },
      { name: 'second', stoppedEarly: true, reason: bothLetter?.error },
    ]);
    expect((pairLetter?.error as HandlerTimeoutError).timeoutMs).toBe(200);
    expect((bothLetter?.error as HandlerTimeoutError).timeoutMs).toBe(300);
  });

  it("leaves no listener on the event's signal once its handlers ended, even one the handler added to its own", async () => {
    const streamName = await harness.createStream('nest-timeout-listeners');
    const eventSignals = new Set<AbortSignal>();
    let handled = 0;
    @Controller()
    class ListeningController {
      @EventPattern('work')
      async work(@Ctx() context: KinesisContext): Promise<void> {
        // Never removed: it goes with the handler's signal.
        context.getAbortSignal().addEventListener('abort', () => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled += 1;
      }
    }
    const strategy = transport(streamName, []);
    // The processing hooks get the event's context: its signal is the one kept for the lease.
    strategy.setOnProcessingStartHook((_transportId, context, done) => {
      eventSignals.add((context as KinesisContext).getAbortSignal());
      return done();
    });
    await harness.startApp(strategy, [ListeningController]);
    const client = harness.client(streamName);
    const total = 30;
    await Promise.all(Array.from({ length: total }, (_, n) => emitted(client, 'work', { n }, 'k')));
    await waitFor('every event', () => handled === total, WAIT_MS);

    expect(eventSignals.size).toBe(1);
    for (const signal of eventSignals) expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
