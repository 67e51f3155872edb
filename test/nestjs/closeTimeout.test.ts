// app.close() with handlers that never finish: at `closeTimeoutMs` they are given up (abort
// signal, Observable unsubscribed), the checkpoints of the events finished are written, the
// leases released, and a new app on the same lease store reads the given-up events again.
import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { lastValueFrom, Observable } from 'rxjs';
import { MemoryCheckpointer, type DeliveredReport, type LeaseInfo } from 'rxjs-kinesis';
import {
  KinesisEmitRecord,
  KinesisTransportStrategy,
  type KinesisContext,
  type KinesisDeadLetter,
  type KinesisMessage,
} from 'rxjs-kinesis/nestjs';
import { Gate, useNestHarness, waitFor } from './fixtures/nestHarness.js';

jest.setTimeout(120_000);
const WAIT_MS = 60_000;
/** Short enough for the test, long enough that a loaded machine reaches the deadline with both handlers hung. */
const CLOSE_TIMEOUT_MS = 2000;
/** Hash keys at both ends of the hash-key space: the first and the last shard of the stream. */
const FIRST_SHARD_KEY = '0';
const LAST_SHARD_KEY = ((1n << 128n) - 1n).toString();

const harness = useNestHarness();

it('app.close() gives up the handlers still running at closeTimeoutMs: checkpoints before them written, leases released, their events read again by the next app', async () => {
  const streamName = await harness.createStream('nest-close-deadline', 2);
  const checkpointer = new MemoryCheckpointer();
  let run = 0;
  const handled: string[][] = [[], []];
  const promiseGate = new Gate();
  let observableEntered = false;
  let unsubscribed = false;
  let lateDone = false;
  const aborts: { id: string; leases: Promise<LeaseInfo[]> }[] = [];
  const watchAbort = (id: string, context: KinesisContext): void =>
    context
      .getAbortSignal()
      .addEventListener('abort', () => aborts.push({ id, leases: checkpointer.listLeases(streamName) }));

  @Controller()
  class HangingController {
    @EventPattern('promise')
    async onPromise(@Payload() data: { id: string }, @Ctx() context: KinesisContext): Promise<void> {
      if (run === 0 && data.id === 'a1') {
        watchAbort(data.id, context);
        promiseGate.entered = true;
        try {
          await promiseGate.opened;
          throw new Error('a late failure');
        } finally {
          lateDone = true;
        }
      }
      handled[run]?.push(data.id);
    }

    @EventPattern('observable')
    onObservable(@Payload() data: { id: string }, @Ctx() context: KinesisContext): Observable<never> {
      if (run === 0 && data.id === 'b1') {
        watchAbort(data.id, context);
        observableEntered = true;
        return new Observable<never>(() => () => (unsubscribed = true));
      }
      return new Observable<never>((subscriber) => {
        handled[run]?.push(data.id);
        subscriber.complete();
      });
    }
  }

  const deadLetters: KinesisDeadLetter[] = [];
  const transport = (): KinesisTransportStrategy =>
    new KinesisTransportStrategy({
      consumer: harness.consumerOptions(streamName, checkpointer),
      checkpoint: { intervalMs: 100 },
      handlerTimeoutMs: Infinity,
      closeTimeoutMs: CLOSE_TIMEOUT_MS,
      onDeadLetter: (deadLetter) => void deadLetters.push(deadLetter),
    });
  const client = harness.client(streamName);
  const emit = (pattern: string, id: string, explicitHashKey: string) =>
    lastValueFrom(
      client.emit<DeliveredReport<KinesisMessage>>(
        pattern,
        new KinesisEmitRecord({ id }, { partitionKey: 'any', explicitHashKey }),
      ),
    );
  const reports = new Map<string, DeliveredReport<KinesisMessage>>();
  for (const n of [0, 1, 2]) {
    reports.set(`a${n}`, await emit('promise', `a${n}`, FIRST_SHARD_KEY));
    reports.set(`b${n}`, await emit('observable', `b${n}`, LAST_SHARD_KEY));
  }
  const shardA = reports.get('a0')?.shardId ?? '';
  const shardB = reports.get('b0')?.shardId ?? '';
  expect(shardA).not.toBe(shardB);

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const warn = jest.spyOn(Logger.prototype, 'warn');
  try {
    const first = await harness.startApp(transport(), [HangingController]);
    await waitFor('both handlers to hang', () => promiseGate.entered && observableEntered, WAIT_MS);
    expect(handled[0]).toEqual(expect.arrayContaining(['a0', 'b0']));

    const closeStarted = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      harness.closeApp(first).then(() => 'closed'),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still closing'), 30_000))),
    ]);
    clearTimeout(timer);
    const closedAfter = performance.now() - closeStarted;
    expect(outcome).toBe('closed');
    expect(closedAfter).toBeGreaterThanOrEqual(CLOSE_TIMEOUT_MS - 50);

    // Told at the deadline, while this worker still held the leases; the Observable unsubscribed.
    expect(aborts.map((abort) => abort.id).sort()).toEqual(['a1', 'b1']);
    for (const { leases } of aborts)
      expect((await leases).filter((lease) => lease.owner !== undefined)).toHaveLength(2);
    expect(unsubscribed).toBe(true);
    expect(
      warn.mock.calls.some(
        ([message]) =>
          String(message).includes('gave up 2 event(s)') &&
          String(message).includes(shardA) &&
          String(message).includes(shardB),
      ),
    ).toBe(true);
    // The events finished before the given-up ones are checkpointed; the leases are free.
    const positions = (): Record<string, string | undefined> =>
      Object.fromEntries(
        checkpointer
          .snapshot()
          .map(({ shardId, checkpoint }) => [
            shardId,
            checkpoint.kind === 'position' ? checkpoint.position.sequenceNumber : checkpoint.kind,
          ]),
      );
    expect(positions()).toEqual({
      [shardA]: reports.get('a0')?.sequenceNumber,
      [shardB]: reports.get('b0')?.sequenceNumber,
    });
    expect((await checkpointer.listLeases(streamName)).filter((lease) => lease.owner !== undefined)).toEqual(
      [],
    );

    // The given-up Promise handler fails later: nothing changes, no unhandled rejection.
    promiseGate.open();
    await waitFor('the late failure', () => lateDone, WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deadLetters).toEqual([]);
    expect(positions()).toEqual({
      [shardA]: reports.get('a0')?.sequenceNumber,
      [shardB]: reports.get('b0')?.sequenceNumber,
    });

    // A new app on the same lease store reads the given-up events again, and not those before them.
    run = 1;
    await harness.startApp(transport(), [HangingController]);
    await waitFor('the rest of the events', () => (handled[1]?.length ?? 0) >= 4, WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...(handled[1] ?? [])].sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(deadLetters).toEqual([]);
    expect(unhandled).toEqual([]);
  } finally {
    warn.mockRestore();
    process.off('unhandledRejection', onUnhandled);
  }
});
