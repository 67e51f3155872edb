// What each kind of handler outcome does to its event, and app.close() with a backlog: handlers
// slower than the stream on two shards, closed midway and started again on the same checkpoints.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Observable, of, throwError } from 'rxjs';
import {
  LeaseLostError,
  MemoryCheckpointer,
  type ConsumerEvent,
  type DeliveredReport,
  type KinesisConsumerObservable,
} from 'rxjs-kinesis';
import {
  KinesisTransportStrategy,
  type HandlerTimeoutError,
  type KinesisContext,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { compareSequenceNumbers } from '../../src/consumer/compareSequenceNumbers.js';
import { emitted, Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;

const harness = useNestHarness();

/** A transport on the stream with quick checkpoints, whose dead letters go to `deadLetters`. */
function transport(
  streamName: string,
  checkpointer: MemoryCheckpointer,
  deadLetters: KinesisDeadLetter[] = [],
): KinesisTransportStrategy {
  return new KinesisTransportStrategy({
    consumer: harness.consumerOptions(streamName, checkpointer),
    checkpoint: { intervalMs: 100 },
    onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
  });
}

describe('handler outcomes', () => {
  it('dead-letters a throw, a rejection, an erroring or never-ending Observable, an event no handler matches; an Observable of values and a @MessagePattern handler count as handled', async () => {
    const streamName = await harness.createStream('nest-outcomes');
    const handled: string[] = [];
    let neverUnsubscribed = false;
    @Controller()
    class OutcomesController {
      @EventPattern('throws')
      throws(): void {
        throw new Error('sync failure');
      }

      @EventPattern('rejects')
      async rejects(): Promise<void> {
        await Promise.resolve();
        throw new Error('async failure');
      }

      @EventPattern('errors')
      errors(): Observable<never> {
        return throwError(() => new Error('observable failure'));
      }

      @EventPattern('never', { timeoutMs: 300 })
      never(): Observable<never> {
        return new Observable<never>(() => () => (neverUnsubscribed = true));
      }

      @EventPattern('values')
      values(data: { id: string }): Observable<number> {
        handled.push(data.id);
        return of(1, 2, 3);
      }

      @MessagePattern('asks')
      asks(data: { id: string }): string {
        handled.push(data.id);
        return 'a reply nobody reads';
      }

      @EventPattern('fine')
      fine(@Payload() data: { id: string }, @Ctx() context: KinesisContext): void {
        handled.push(`${data.id}@${context.getShardId()}`);
      }
    }
    const checkpointer = new MemoryCheckpointer();
    const deadLetters: KinesisDeadLetter[] = [];
    await harness.startApp(transport(streamName, checkpointer, deadLetters), [OutcomesController]);
    const client = harness.client(streamName);
    let last: DeliveredReport<KinesisMessage> | undefined;
    for (const pattern of ['throws', 'rejects', 'errors', 'never', 'values', 'asks', 'nobody', 'fine']) {
      last = await emitted(client, pattern, { id: pattern }, 'k');
    }
    await waitFor('the last event', () => handled.some((entry) => entry.startsWith('fine@')), WAIT_MS);
    await waitFor(
      'its checkpoint',
      () => {
        const [shard] = checkpointer.snapshot();
        return (
          shard?.checkpoint?.kind === 'position' &&
          shard.checkpoint.position.sequenceNumber === last?.sequenceNumber
        );
      },
      WAIT_MS,
    );
    expect(handled).toEqual(['values', 'asks', `fine@${last?.shardId}`]);
    expect(
      deadLetters.map((deadLetter) => [deadLetter.reason, 'pattern' in deadLetter ? deadLetter.pattern : '']),
    ).toEqual([
      ['handler-failed', 'throws'],
      ['handler-failed', 'rejects'],
      ['handler-failed', 'errors'],
      ['handler-timeout', 'never'],
      ['no-handler', 'nobody'],
    ]);
    const unhandled = deadLetters.find((deadLetter) => deadLetter.reason === 'no-handler');
    expect(unhandled?.reason === 'no-handler' && unhandled.item.data).toEqual({
      pattern: 'nobody',
      data: { id: 'nobody' },
    });
    expect(neverUnsubscribed).toBe(true);
  });

  it('two handlers of one pattern each run within their own timeoutMs; the event is done when both are', async () => {
    const streamName = await harness.createStream('nest-pair');
    const seen: string[] = [];
    /** An Observable handler that completes after `ms` (never if undefined), telling how it ended. */
    const after = (name: string, ms?: number): Observable<never> =>
      new Observable<never>((subscriber) => {
        let completed = false;
        const timer =
          ms === undefined
            ? undefined
            : setTimeout(() => {
                completed = true;
                subscriber.complete();
              }, ms);
        return () => {
          clearTimeout(timer);
          seen.push(`${name} ${completed ? 'completed' : 'unsubscribed'}`);
        };
      });
    @Controller()
    class PairController {
      // Registered first (Nest chains the second to it): a short timeout of its own.
      @EventPattern('pair', { timeoutMs: 300 })
      pairShort(): Observable<never> {
        return after('pair-short');
      }

      @EventPattern('pair')
      pairLong(): Observable<never> {
        return after('pair-long', 1500);
      }

      // Registered first with the transport's timeout; the second has a short one.
      @EventPattern('late')
      lateLong(): Observable<never> {
        return after('late-long', 100);
      }

      @EventPattern('late', { timeoutMs: 1000 })
      lateShort(): Observable<never> {
        return after('late-short');
      }

      @EventPattern('fine')
      fine(): void {
        seen.push('fine');
      }
    }
    const checkpointer = new MemoryCheckpointer();
    const deadLetters: KinesisDeadLetter[] = [];
    await harness.startApp(transport(streamName, checkpointer, deadLetters), [PairController]);
    const client = harness.client(streamName);
    for (const pattern of ['pair', 'late', 'fine']) await emitted(client, pattern, {}, 'k');
    await waitFor('the last event', () => seen.includes('fine'), WAIT_MS);
    // Each short handler given up at its own timeout; the other handler of its event ran to its end.
    expect(seen).toEqual([
      'pair-short unsubscribed',
      'pair-long completed',
      'late-long completed',
      'late-short unsubscribed',
      'fine',
    ]);
    expect(
      deadLetters.map((deadLetter) => [
        deadLetter.reason,
        'pattern' in deadLetter ? deadLetter.pattern : '',
        (deadLetter.error as HandlerTimeoutError).timeoutMs,
      ]),
    ).toEqual([
      ['handler-timeout', 'pair', 300],
      ['handler-timeout', 'late', 1000],
    ]);
  });

  it('app.close() with a backlog on two shards: nothing accepted is lost, no checkpoint is ahead of a handled event', async () => {
    const streamName = await harness.createStream('nest-backlog', 2);
    const checkpointer = new MemoryCheckpointer();
    const runs: { shardId: string; sequenceNumber: string; n: number }[][] = [[], []];
    let run = 0;
    @Controller()
    class SlowController {
      @EventPattern('slow')
      async slow(@Payload() data: { n: number }, @Ctx() context: KinesisContext): Promise<void> {
        const mine = runs[run];
        await new Promise((resolve) => setTimeout(resolve, 40));
        mine?.push({ shardId: context.getShardId(), sequenceNumber: context.getSequenceNumber(), n: data.n });
      }
    }
    const total = 60;
    const client = harness.client(streamName);
    const reports = await Promise.all(
      Array.from({ length: total }, (_, n) => emitted(client, 'slow', { n }, `k-${n % 8}`)),
    );
    expect(new Set(reports.map((report) => report.shardId)).size).toBe(2);

    const first = await harness.startApp(transport(streamName, checkpointer), [SlowController]);
    await waitFor('a third of the events', () => (runs[0]?.length ?? 0) >= total / 3, WAIT_MS);
    await harness.closeApp(first);
    const handledFirst = [...(runs[0] ?? [])];
    expect(handledFirst.length).toBeLessThan(total);

    // Every stored position is that of an event the first run handled, and each event at or
    // before it was handled: never ahead.
    for (const { shardId, checkpoint } of checkpointer.snapshot()) {
      if (checkpoint?.kind !== 'position') continue;
      const at = checkpoint.position.sequenceNumber;
      const shardReports = reports.filter((report) => report.shardId === shardId);
      for (const report of shardReports) {
        if (compareSequenceNumbers(report.sequenceNumber, at) <= 0)
          expect(handledFirst.some((event) => event.sequenceNumber === report.sequenceNumber)).toBe(true);
      }
    }

    run = 1;
    await harness.startApp(transport(streamName, checkpointer), [SlowController]);
    const handledBoth = () => new Set([...handledFirst, ...(runs[1] ?? [])].map((event) => event.n));
    await waitFor('every event', () => handledBoth().size === total, WAIT_MS);
    // In order per partition key within each run.
    for (const events of runs) {
      for (let key = 0; key < 8; key += 1) {
        const ns = events.filter((event) => event.n % 8 === key).map((event) => event.n);
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
    }
  });

  it('after the shard lease is lost, no handler or dead-letter callback runs for its events and no checkpoint is written', async () => {
    const streamName = await harness.createStream('nest-lost');
    // The store's clock can be moved: another worker takes the lease as if it had run out.
    let skew = 0;
    const checkpointer = new MemoryCheckpointer({ leaseDurationMs: 3000, now: () => Date.now() + skew });
    const gate = new Gate();
    const calls: { n: number; aborted: boolean }[] = [];
    let abortedWhenDone: boolean | undefined;
    let reasonWhenDone: unknown;
    @Controller()
    class LeaseController {
      @EventPattern('work')
      async work(@Payload() data: { n: number }, @Ctx() context: KinesisContext): Promise<void> {
        calls.push({ n: data.n, aborted: context.getAbortSignal().aborted });
        if (data.n !== 0) return;
        gate.entered = true;
        await gate.opened;
        abortedWhenDone = context.getAbortSignal().aborted;
        reasonWhenDone = context.getAbortSignal().reason;
        throw new Error('failed after the lease was lost');
      }
    }
    const client = harness.client(streamName);
    const reports = await Promise.all(
      Array.from({ length: 10 }, (_, n) => emitted(client, 'work', { n }, 'one')),
    );
    const deadLetters: KinesisDeadLetter[] = [];
    const events: ConsumerEvent[] = [];
    const strategy = transport(streamName, checkpointer, deadLetters);
    strategy.on('consumer-event', (event) => events.push(event));
    await harness.startApp(strategy, [LeaseController]);
    const consumer = strategy.unwrap<KinesisConsumerObservable>();
    await waitFor('the first handler', () => gate.entered, WAIT_MS);
    await waitFor('every event read', () => consumer.stats().inFlight === reports.length, WAIT_MS);

    // Another worker takes the shard: the store's clock jumps past the lease's end while it
    // acquires it (an hour: this worker cannot take it back during the test).
    skew = 3_600_000;
    const taking = checkpointer.acquireLease(streamName, reports[0]!.shardId, 'other-worker');
    skew = 0;
    expect(await taking).toBeDefined();
    await waitFor('the loss', () => events.some((event) => event.type === 'lease-lost'), WAIT_MS);
    gate.open();
    await waitFor('the first handler to end', () => abortedWhenDone !== undefined, WAIT_MS);
    await waitFor('the events of the lost lease to settle', () => consumer.stats().inFlight === 0, WAIT_MS);

    // The handler under way finishes (it cannot be stopped; its signal tells it); no other runs,
    // its failure is not given up (the next owner handles the event again), nothing is written.
    expect(abortedWhenDone).toBe(true);
    // The reading's reason (not a timeout's): the lease is gone, a LeaseLostError naming the shard.
    expect(reasonWhenDone).toBeInstanceOf(LeaseLostError);
    expect(reasonWhenDone).toMatchObject({
      retriable: false,
      context: { streamName, shardId: reports[0]!.shardId },
    });
    expect(calls).toEqual([{ n: 0, aborted: false }]);
    expect(deadLetters).toEqual([]);
    expect(checkpointer.snapshot()).toEqual([]);
  });
});
