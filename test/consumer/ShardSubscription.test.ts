import type { ChildShard, _Record } from '@aws-sdk/client-kinesis';
import { TestScheduler } from 'rxjs/testing';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { SubscriptionInUseError } from '../../src/consumer/errors/SubscriptionInUseError.js';
import { SubscriptionSilentError } from '../../src/consumer/errors/SubscriptionSilentError.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import type { IteratorRequest } from '../../src/consumer/ShardReader.js';
import {
  startingPosition,
  type ShardSubscriber,
  type SubscriptionEvent,
  type SubscriptionEvents,
} from '../../src/consumer/ShardSubscriber.js';
import { ShardSubscription } from '../../src/consumer/ShardSubscription.js';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { AccessDeniedError } from '../../src/kinesis/errors/AccessDeniedError.js';
import { RetryLimitExceededError } from '../../src/kinesis/errors/RetryLimitExceededError.js';

const SHARD = 'shardId-000000000000';
const SILENCE = 35_000;

/** The events of one fake subscription, pushed by the test. */
class FakeEvents implements SubscriptionEvents {
  private readonly queue: (IteratorResult<SubscriptionEvent> | Error)[] = [];
  private waiting:
    { resolve: (r: IteratorResult<SubscriptionEvent>) => void; reject: (e: unknown) => void } | undefined;
  pulls = 0;
  returned = false;

  push(event: SubscriptionEvent): void {
    this.offer({ done: false, value: event });
  }

  end(): void {
    this.offer({ done: true, value: undefined });
  }

  fail(error: Error): void {
    this.offer(error);
  }

  next(): Promise<IteratorResult<SubscriptionEvent>> {
    this.pulls += 1;
    const item = this.queue.shift();
    if (item instanceof Error) return Promise.reject(item);
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<SubscriptionEvent>> {
    this.returned = true;
    return Promise.resolve({ done: true, value: undefined });
  }

  private offer(item: IteratorResult<SubscriptionEvent> | Error): void {
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.queue.push(item);
      return;
    }
    this.waiting = undefined;
    if (item instanceof Error) waiting.reject(item);
    else waiting.resolve(item);
  }
}

interface Call {
  readonly start: IteratorRequest;
  readonly signal: AbortSignal;
  readonly at: number;
  readonly events: FakeEvents;
  accept(first?: SubscriptionEvent): void;
  reject(error: unknown): void;
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

function records(...sequenceNumbers: string[]): _Record[] {
  return sequenceNumbers.map((SequenceNumber) => ({
    SequenceNumber,
    Data: new Uint8Array([1, 2, 3]),
    PartitionKey: 'k',
  }));
}

function event(
  sequenceNumbers: string[],
  continuation?: string,
  childShards?: ChildShard[],
): SubscriptionEvent {
  return {
    records: records(...sequenceNumbers),
    ...(continuation === undefined ? {} : { continuationSequenceNumber: continuation }),
    millisBehindLatest: 0,
    ...(childShards === undefined ? {} : { childShards }),
  };
}

function setUp(
  options: { gate?: number; retryLimit?: number; start?: IteratorRequest; stalled?: boolean } = {},
) {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const gate = new InFlightGate(options.gate ?? 1000);
  const calls: Call[] = [];
  const emitted: string[] = [];
  const pages: number[] = [];
  const events: ConsumerEvent[] = [];
  const errors: RxjsKinesisError[] = [];
  const ends: (readonly ChildShard[])[] = [];
  const stalls: RxjsKinesisError[] = [];
  const subscriber: ShardSubscriber = {
    subscribe: (_shardId, start, signal) =>
      new Promise((resolve, reject) => {
        const events = new FakeEvents();
        calls.push({
          start,
          signal,
          at: scheduler.now(),
          events,
          accept: (first) => {
            if (first !== undefined) events.push(first);
            resolve(events);
          },
          reject,
        });
      }),
  };
  const source = new ShardSubscription({
    streamName: 'orders',
    shardId: SHARD,
    start: options.start ?? { iteratorType: 'TRIM_HORIZON' },
    gate,
    fairShare: () => gate.limit,
    scheduler,
    subscriber,
    silenceTimeoutMs: SILENCE,
    backoff: { baseMs: 100, capMs: 1000, retryLimit: options.retryLimit ?? 5, random: () => 0.5 },
    onRecords: (batch) => emitted.push(...batch.map((r) => r.SequenceNumber ?? '')),
    onPage: (page) => pages.push(page.records.length),
    onEnd: (children) => ends.push(children),
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
    ...(options.stalled === true ? { onStalled: (e: RxjsKinesisError) => stalls.push(e) } : {}),
  });
  /** Lets promise callbacks run. */
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Advances virtual time to `now + ms`, running due timers and the promise callbacks they cause. */
  const advance = async (ms: number) => {
    const target = scheduler.frame + ms;
    await settle();
    for (;;) {
      const next = scheduler.actions[0];
      if (next === undefined || next.delay > target) break;
      scheduler.maxFrames = next.delay;
      scheduler.flush();
      await settle();
    }
    scheduler.frame = target;
  };
  const open = () => calls.filter((call) => !call.signal.aborted);
  return {
    scheduler,
    gate,
    calls,
    emitted,
    pages,
    events,
    errors,
    ends,
    stalls,
    source,
    settle,
    advance,
    open,
  };
}

test('maps every iterator type to a StartingPosition', () => {
  const at = new Date(1_700_000_000_000);
  expect(startingPosition({ iteratorType: 'TRIM_HORIZON' })).toEqual({ Type: 'TRIM_HORIZON' });
  expect(startingPosition({ iteratorType: 'LATEST' })).toEqual({ Type: 'LATEST' });
  expect(startingPosition({ iteratorType: 'AT_TIMESTAMP', timestamp: at })).toEqual({
    Type: 'AT_TIMESTAMP',
    Timestamp: at,
  });
  expect(startingPosition({ iteratorType: 'AT_SEQUENCE_NUMBER', sequenceNumber: '7' })).toEqual({
    Type: 'AT_SEQUENCE_NUMBER',
    SequenceNumber: '7',
  });
  expect(startingPosition({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '7' })).toEqual({
    Type: 'AFTER_SEQUENCE_NUMBER',
    SequenceNumber: '7',
  });
});

test('emits events in order and renews an ended subscription after its continuation point, at most once a second', async () => {
  const t = setUp();
  t.source.start();
  expect(t.calls).toHaveLength(1);
  expect(t.calls[0]?.start).toEqual({ iteratorType: 'TRIM_HORIZON' });
  t.calls[0]?.accept(event(['1', '2'], '2'));
  await t.settle();
  t.calls[0]?.events.push(event(['3'], '3'));
  t.calls[0]?.events.push(event([], '5'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2', '3']);
  expect(t.pages).toEqual([2, 1, 0]);
  // The 5-minute life ends within the first second: the renewal waits for the 1-per-second floor.
  t.calls[0]?.events.end();
  await t.advance(999);
  expect(t.calls).toHaveLength(1);
  await t.advance(1);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '5' });
  expect(t.events).toContainEqual({
    type: 'subscription-renewed',
    shardId: SHARD,
    reason: 'ended',
    afterSequenceNumber: '5',
  });
  expect(t.open()).toHaveLength(1);
  expect(t.errors).toEqual([]);
});

test('a renewal waits a second after the last call was answered: Kinesis counts a call when it arrives, after it was sent', async () => {
  const t = setUp();
  t.source.start();
  // The call takes 300 ms to be answered (it reached Kinesis somewhere in between), then drops.
  await t.advance(300);
  t.calls[0]?.accept(event(['1'], '1'));
  await t.settle();
  t.calls[0]?.events.end();
  await t.advance(999);
  expect(t.calls).toHaveLength(1);
  await t.advance(1);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.at).toBe(1300);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '1' });
});

test('renews every 5 minutes of virtual time without a gap or a duplicate', async () => {
  const t = setUp();
  t.source.start();
  let next = 1;
  for (let renewal = 0; renewal < 4; renewal += 1) {
    const call = t.calls[renewal];
    call?.accept(event([String(next)], String(next)));
    next += 1;
    for (let second = 0; second < 300; second += 5) {
      await t.advance(5000);
      // An idle shard still gets an event every few seconds; a record now and then.
      call?.events.push(
        second % 60 === 0 ? event([String(next)], String(next)) : event([], String(next - 1)),
      );
      if (second % 60 === 0) next += 1;
    }
    await t.settle();
    call?.events.end();
    await t.advance(1000);
    expect(t.open()).toHaveLength(1);
  }
  expect(t.calls).toHaveLength(5);
  expect(t.emitted).toEqual(Array.from({ length: next - 1 }, (_, i) => String(i + 1)));
  expect(t.events.filter((e) => e.type === 'error-retried')).toEqual([]);
});

test('a subscription silent for 35 s is abandoned and renewed at the last continuation point', async () => {
  const t = setUp();
  t.source.start();
  t.calls[0]?.accept(event(['1', '2'], '2'));
  await t.settle();
  await t.advance(SILENCE - 1);
  expect(t.calls[0]?.signal.aborted).toBe(false);
  await t.advance(1);
  expect(t.calls[0]?.signal.aborted).toBe(true);
  expect(t.calls[0]?.events.returned).toBe(true);
  const retried = t.events.find((e) => e.type === 'error-retried');
  expect(retried).toMatchObject({ operation: 'SubscribeToShard', shardId: SHARD });
  expect(retried?.type === 'error-retried' && retried.error).toBeInstanceOf(SubscriptionSilentError);
  await t.advance(1000);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '2' });
  // A late event of the abandoned subscription is ignored.
  t.calls[0]?.events.push(event(['3'], '3'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2']);
  t.calls[1]?.accept(event(['3'], '3'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2', '3']);
});

test('a call that never delivers its first event times out after the silence timeout', async () => {
  const t = setUp();
  t.source.start();
  await t.advance(SILENCE);
  expect(t.calls[0]?.signal.aborted).toBe(true);
  await t.advance(1000);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'TRIM_HORIZON' });
  // Its late answer is closed, never read.
  t.calls[0]?.accept(event(['1'], '1'));
  await t.settle();
  expect(t.calls[0]?.events.returned).toBe(true);
  expect(t.emitted).toEqual([]);
});

test('ResourceInUseException is retried once a second, past retryLimit, never as an error, one call at a time', async () => {
  const t = setUp({ retryLimit: 2 });
  t.source.start();
  for (let i = 0; i < 20; i += 1) {
    expect(t.open()).toHaveLength(1);
    t.calls[i]?.reject(
      named('ResourceInUseException', 'Another active subscription exists for this consumer'),
    );
    await t.settle();
    expect(t.open()).toHaveLength(0);
    await t.advance(999);
    expect(t.calls).toHaveLength(i + 1);
    await t.advance(1);
    expect(t.calls).toHaveLength(i + 2);
  }
  expect(t.errors).toEqual([]);
  const gaps = t.calls.slice(1).map((call, i) => call.at - (t.calls[i]?.at ?? 0));
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  const retried = t.events.filter((e) => e.type === 'error-retried');
  expect(retried).toHaveLength(20);
  expect(retried[0]?.type === 'error-retried' && retried[0].error).toBeInstanceOf(SubscriptionInUseError);
  t.calls[20]?.accept(event(['1'], '1'));
  await t.settle();
  expect(t.emitted).toEqual(['1']);
});

test('LimitExceededException backs off (at least a second) without exhausting retryLimit', async () => {
  const t = setUp({ retryLimit: 1 });
  t.source.start();
  for (let i = 0; i < 5; i += 1) {
    t.calls[i]?.reject(named('LimitExceededException'));
    await t.advance(1000);
  }
  expect(t.calls).toHaveLength(6);
  expect(t.errors).toEqual([]);
  expect(
    t.events.filter((e) => e.type === 'throttled').every((e) => e.type === 'throttled' && e.delayMs >= 1000),
  ).toBe(true);
});

test('a non-retriable error stops the source with a typed error; retriable ones exhaust retryLimit', async () => {
  const denied = setUp();
  denied.source.start();
  denied.calls[0]?.reject(
    named('AccessDeniedException', 'not authorized to perform kinesis:SubscribeToShard'),
  );
  await denied.advance(10_000);
  expect(denied.errors).toHaveLength(1);
  expect(denied.errors[0]).toBeInstanceOf(AccessDeniedError);
  expect(denied.errors[0]?.context).toMatchObject({ streamName: 'orders', shardId: SHARD });
  expect(denied.calls).toHaveLength(1);

  const failing = setUp({ retryLimit: 2 });
  failing.source.start();
  for (let i = 0; i < 3; i += 1) {
    failing.calls[i]?.reject(named('InternalFailure'));
    await failing.advance(1000);
  }
  expect(failing.errors).toHaveLength(1);
  expect(failing.errors[0]).toBeInstanceOf(RetryLimitExceededError);
  expect(failing.calls).toHaveLength(3);
});

test('a dropped connection mid-stream resubscribes after the last emitted record', async () => {
  const t = setUp();
  t.source.start();
  t.calls[0]?.accept(event(['1', '2'], '2'));
  await t.settle();
  t.calls[0]?.events.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await t.advance(1000);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '2' });
  // The server sends a record again (at-least-once on its side): emitted once.
  t.calls[1]?.accept(event(['2', '3'], '3'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2', '3']);
});

test('a full budget stops pulling events; room resumes them in order', async () => {
  const t = setUp({ gate: 3 });
  t.source.start();
  t.calls[0]?.accept(event(['1', '2', '3', '4', '5'], '5'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2', '3']);
  expect(t.source.state).toBe('paused');
  const pulls = t.calls[0]?.events.pulls ?? 0;
  await t.advance(SILENCE - 1);
  expect(t.calls[0]?.events.pulls).toBe(pulls);
  expect(t.calls[0]?.signal.aborted).toBe(false);
  t.gate.release(3);
  await t.advance(0);
  expect(t.emitted).toEqual(['1', '2', '3', '4', '5']);
  expect(t.calls[0]?.events.pulls).toBe(pulls + 1);
  expect(t.gate.inFlight).toBe(2);
  expect(t.calls).toHaveLength(1);
});

test('a budget full for the silence timeout closes the subscription and reopens it after the last emitted record', async () => {
  const t = setUp({ gate: 3 });
  t.source.start();
  t.calls[0]?.accept(event(['1', '2', '3', '4', '5'], '5'));
  await t.settle();
  await t.advance(SILENCE);
  expect(t.calls[0]?.signal.aborted).toBe(true);
  expect(t.source.state).toBe('closed');
  await t.advance(60_000);
  expect(t.calls).toHaveLength(1);
  expect(t.gate.inFlight).toBe(3);
  t.gate.release(3);
  await t.advance(0);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '3' });
  expect(t.events).toContainEqual({
    type: 'subscription-renewed',
    shardId: SHARD,
    reason: 'paused',
    afterSequenceNumber: '3',
  });
  t.calls[1]?.accept(event(['4', '5'], '5'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2', '3', '4', '5']);
});

test('the last event of a closed shard ends the source with its child shards, after its records', async () => {
  const t = setUp();
  const children: ChildShard[] = [
    {
      ShardId: 'shardId-000000000001',
      ParentShards: [SHARD],
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
    },
  ];
  t.source.start();
  t.calls[0]?.accept(event(['1'], '1'));
  await t.settle();
  t.calls[0]?.events.push(event(['2'], undefined, children));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2']);
  expect(t.ends).toEqual([children]);
  expect(t.calls[0]?.signal.aborted).toBe(true);
  await t.advance(60_000);
  expect(t.calls).toHaveLength(1);
});

test('stop() aborts the subscription at once and no callback fires afterwards', async () => {
  const t = setUp();
  t.source.start();
  t.calls[0]?.accept(event(['1'], '1'));
  await t.settle();
  t.source.stop();
  expect(t.calls[0]?.signal.aborted).toBe(true);
  t.calls[0]?.events.push(event(['2'], '2'));
  t.calls[0]?.events.fail(new Error('late'));
  await t.advance(120_000);
  expect(t.emitted).toEqual(['1']);
  expect(t.errors).toEqual([]);
  expect(t.calls).toHaveLength(1);
  expect(t.scheduler.actions).toHaveLength(0);
});

test('stop() while a call is pending: its late subscription is closed unread', async () => {
  const t = setUp();
  t.source.start();
  t.source.stop();
  t.calls[0]?.accept(event(['1'], '1'));
  await t.settle();
  expect(t.calls[0]?.events.returned).toBe(true);
  expect(t.emitted).toEqual([]);
});

test('LATEST renewed before any event starts at the time of the first call, not LATEST again', async () => {
  const t = setUp({ start: { iteratorType: 'LATEST' } });
  await t.advance(5000);
  t.source.start();
  t.calls[0]?.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await t.advance(1000);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AT_TIMESTAMP', timestamp: new Date(0) });
});

test('with a group, silent subscriptions in a row give the shard up (onStalled)', async () => {
  const t = setUp({ stalled: true });
  t.source.start();
  for (let i = 0; i < 3; i += 1) await t.advance(SILENCE + 1000);
  expect(t.stalls).toHaveLength(1);
  expect(t.stalls[0]).toBeInstanceOf(SubscriptionSilentError);
  expect(t.calls).toHaveLength(3);
  expect(t.open()).toHaveLength(0);
});

test('an empty first event at a start AT_SEQUENCE_NUMBER S keeps S: a renewal never skips the record at S', async () => {
  const t = setUp({ start: { iteratorType: 'AT_SEQUENCE_NUMBER', sequenceNumber: '7' } });
  t.source.start();
  t.calls[0]?.accept(event([], '7'));
  await t.settle();
  t.calls[0]?.events.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await t.advance(1000);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AT_SEQUENCE_NUMBER', sequenceNumber: '7' });
  t.calls[1]?.accept(event(['7', '8'], '8'));
  await t.settle();
  t.calls[1]?.events.end();
  await t.advance(1000);
  expect(t.calls[2]?.start).toEqual({ iteratorType: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '8' });
  expect(t.emitted).toEqual(['7', '8']);
});

test('LATEST whose first event could not be emitted (budget full until it closed) reopens at the first call time, not LATEST again', async () => {
  const t = setUp({ gate: 3, start: { iteratorType: 'LATEST' } });
  // Other shards' records fill the budget.
  expect(t.gate.reserve(3)).toBe(3);
  t.gate.settleReservation(3, 3, 9);
  t.source.start();
  t.calls[0]?.accept(event(['1', '2'], '2'));
  await t.settle();
  await t.advance(SILENCE);
  expect(t.source.state).toBe('closed');
  t.gate.release(3);
  await t.advance(0);
  expect(t.calls).toHaveLength(2);
  expect(t.calls[1]?.start).toEqual({ iteratorType: 'AT_TIMESTAMP', timestamp: new Date(0) });
  t.calls[1]?.accept(event(['1', '2'], '2'));
  await t.settle();
  expect(t.emitted).toEqual(['1', '2']);
});
