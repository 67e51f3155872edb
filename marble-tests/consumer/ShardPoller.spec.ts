import type { _Record } from '@aws-sdk/client-kinesis';
import { of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ConsumerEvent } from '../../src/consumer/ConsumerEvent.js';
import { InFlightGate } from '../../src/consumer/InFlightGate.js';
import { ShardPoller } from '../../src/consumer/ShardPoller.js';
import type { IteratorRequest, RecordsPage, ShardReader } from '../../src/consumer/ShardReader.js';
import { ExpiredIteratorError } from '../../src/kinesis/errors/ExpiredIteratorError.js';
import { RequestTimeoutError } from '../../src/kinesis/errors/RequestTimeoutError.js';
import { ThrottledError } from '../../src/kinesis/errors/ThrottledError.js';
import { KinesisServiceError } from '../../src/kinesis/errors/KinesisServiceError.js';
import { KinesisValidationError } from '../../src/kinesis/errors/KinesisValidationError.js';

const raw = (sequenceNumber: string): _Record => ({
  SequenceNumber: sequenceNumber,
  PartitionKey: 'k',
  Data: new Uint8Array(0),
  ApproximateArrivalTimestamp: new Date(0),
});

type Step = RecordsPage | Error;

/** A fake data plane in virtual time: answers GetRecords from a script and logs every call. */
function fakeReader(scheduler: TestScheduler, script: Step[], log: string[]): ShardReader {
  let call = 0;
  return {
    getShardIterator(_shardId: string, request: IteratorRequest): Observable<string> {
      log.push(
        `${scheduler.now()} iterator ${request.iteratorType}${request.sequenceNumber === undefined ? '' : ` ${request.sequenceNumber}`}`,
      );
      return of(`it-${call}`);
    },
    getRecords(_shardId: string, iterator: string, limit: number): Observable<RecordsPage> {
      const step = script[call] ?? {
        records: [],
        nextShardIterator: `it-${call + 1}`,
        millisBehindLatest: 0,
      };
      call += 1;
      log.push(`${scheduler.now()} get ${iterator} limit=${limit}`);
      return step instanceof Error ? throwError(() => step) : of(step);
    },
  };
}

function poller(
  scheduler: TestScheduler,
  reader: ShardReader,
  gate: InFlightGate,
  events: ConsumerEvent[],
  emitted: string[],
  extra: Partial<ConstructorParameters<typeof ShardPoller>[0]> = {},
) {
  return new ShardPoller({
    streamName: 's',
    shardId: 'shardId-000000000000',
    reader,
    gate,
    scheduler,
    start: { iteratorType: 'TRIM_HORIZON' },
    fetchIntervalMs: 200,
    sleepTimeNoRecordsMs: 1000,
    recordLimit: 100,
    fairShare: () => gate.limit,
    backoff: { baseMs: 100, capMs: 1000, retryLimit: 2, random: () => 0.5 },
    onRecords: (records) => emitted.push(...records.map((r) => r.SequenceNumber as string)),
    onEnd: () => emitted.push('END'),
    onEvent: (event) => events.push(event),
    onError: (error) => emitted.push(`ERROR ${error.name}`),
    ...extra,
  });
}

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

test('paces GetRecords to the fetch rate, and sleeps sleepTimeNoRecords only when caught up', () => {
  scheduler.run(({ flush }) => {
    const log: string[] = [];
    const emitted: string[] = [];
    const script: Step[] = [
      { records: [raw('1'), raw('2')], nextShardIterator: 'it-1', millisBehindLatest: 5000 },
      { records: [], nextShardIterator: 'it-2', millisBehindLatest: 3000 }, // a gap, not caught up
      { records: [], nextShardIterator: 'it-3', millisBehindLatest: 0 }, // caught up: sleep
      { records: [raw('3')], nextShardIterator: 'it-4', millisBehindLatest: 0 },
      { records: [raw('4')] }, // closed shard read to its end
    ];
    const p = poller(scheduler, fakeReader(scheduler, script, log), new InFlightGate(1000), [], emitted);
    p.start();
    flush();
    expect(log).toEqual([
      '0 iterator TRIM_HORIZON',
      '0 get it-0 limit=100',
      '200 get it-1 limit=100',
      '400 get it-2 limit=100',
      '1400 get it-3 limit=100',
      '1600 get it-4 limit=100',
    ]);
    expect(emitted).toEqual(['1', '2', '3', '4', 'END']);
    expect(p.running).toBe(false);
  });
});

test('backs off on throttling (never faster than the fetch rate) and renews an expired iterator after the last record', () => {
  scheduler.run(({ flush }) => {
    const log: string[] = [];
    const events: ConsumerEvent[] = [];
    const emitted: string[] = [];
    const script: Step[] = [
      { records: [raw('7')], nextShardIterator: 'it-1', millisBehindLatest: 10 },
      new ThrottledError('ProvisionedThroughputExceededException'),
      new ExpiredIteratorError('ExpiredIteratorException'),
      { records: [raw('8')] },
    ];
    poller(scheduler, fakeReader(scheduler, script, log), new InFlightGate(1000), events, emitted).start();
    flush();
    expect(log).toEqual([
      '0 iterator TRIM_HORIZON',
      '0 get it-0 limit=100',
      '200 get it-1 limit=100',
      // throttled at 200: back-off max(50, 200) = 200
      '400 get it-1 limit=100',
      '400 iterator AFTER_SEQUENCE_NUMBER 7',
      '600 get it-3 limit=100',
    ]);
    expect(events.map((e) => e.type)).toEqual(['throttled', 'iterator-renewed']);
    expect(emitted).toEqual(['7', '8', 'END']);
  });
});

test('retries retriable errors with back-off, then fails with RetryLimitExceededError; non-retriable errors fail at once', () => {
  scheduler.run(({ flush }) => {
    const log: string[] = [];
    const emitted: string[] = [];
    const events: ConsumerEvent[] = [];
    const script: Step[] = [
      new KinesisServiceError('a'),
      new KinesisServiceError('b'),
      new KinesisServiceError('c'),
    ];
    poller(scheduler, fakeReader(scheduler, script, log), new InFlightGate(1000), events, emitted).start();
    flush();
    // random 0.5: 50 ms then 100 ms
    expect(log).toEqual([
      '0 iterator TRIM_HORIZON',
      '0 get it-0 limit=100',
      '200 get it-0 limit=100',
      '400 get it-0 limit=100',
    ]);
    expect(events.map((e) => (e.type === 'error-retried' ? `${e.attempt}:${e.delayMs}` : e.type))).toEqual([
      '1:50',
      '2:100',
    ]);
    expect(emitted).toEqual(['ERROR RetryLimitExceededError']);

    const log2: string[] = [];
    const emitted2: string[] = [];
    poller(
      scheduler,
      fakeReader(scheduler, [new KinesisValidationError('bad')], log2),
      new InFlightGate(1000),
      [],
      emitted2,
    ).start();
    flush();
    expect(emitted2).toEqual(['ERROR KinesisValidationError']);
  });
});

test('with onStalled, stops after stallTimeouts timed-out reads in a row; any other outcome starts the count again', () => {
  scheduler.run(({ flush }) => {
    const log: string[] = [];
    const events: ConsumerEvent[] = [];
    const emitted: string[] = [];
    const timeout = (): RequestTimeoutError => new RequestTimeoutError('request timed out');
    const page = { records: [raw('1')], nextShardIterator: 'it-next', millisBehindLatest: 5 };
    // timeout, timeout, answer, timeout, service error, timeout, timeout, timeout
    const script: Step[] = [
      timeout(),
      timeout(),
      page,
      timeout(),
      new KinesisServiceError('busy'),
      timeout(),
      timeout(),
      timeout(),
    ];
    const stalls: string[] = [];
    poller(scheduler, fakeReader(scheduler, script, log), new InFlightGate(1000), events, emitted, {
      stallTimeouts: 3,
      backoff: { baseMs: 100, capMs: 1000, retryLimit: Number.POSITIVE_INFINITY, random: () => 0.5 },
      onStalled: (error, timeouts) => stalls.push(`${scheduler.now()} ${error.name} ${timeouts}`),
    }).start();
    flush();
    expect(log.filter((line) => line.includes(' get '))).toHaveLength(8);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatch(/ RequestTimeoutError 3$/);
    expect(emitted).toEqual(['1']);
    // Stopped: nothing is asked after the stall.
    const calls = log.length;
    scheduler.schedule(() => undefined, 60_000);
    flush();
    expect(log).toHaveLength(calls);
  });
});

test('without onStalled, timed-out reads are retried up to retryLimit like any retriable error', () => {
  scheduler.run(({ flush }) => {
    const events: ConsumerEvent[] = [];
    const emitted: string[] = [];
    const script: Step[] = [
      new RequestTimeoutError('a'),
      new RequestTimeoutError('b'),
      new RequestTimeoutError('c'),
    ];
    poller(scheduler, fakeReader(scheduler, script, []), new InFlightGate(1000), events, emitted, {
      stallTimeouts: 1,
    }).start();
    flush();
    expect(events.filter((e) => e.type === 'error-retried')).toHaveLength(2);
    expect(emitted).toEqual(['ERROR RetryLimitExceededError']);
  });
});

test('pauses while the in-flight gate is full and resumes when records are released', () => {
  scheduler.run(({ flush }) => {
    const log: string[] = [];
    const emitted: string[] = [];
    const gate = new InFlightGate(3);
    const script: Step[] = [
      { records: [raw('1'), raw('2'), raw('3')], nextShardIterator: 'it-1', millisBehindLatest: 100 },
      { records: [raw('4')] },
    ];
    poller(scheduler, fakeReader(scheduler, script, log), gate, [], emitted).start();
    scheduler.schedule(() => gate.release(2), 1000);
    flush();
    expect(log.slice(0, 3)).toEqual([
      '0 iterator TRIM_HORIZON',
      '0 get it-0 limit=3',
      '1000 get it-1 limit=2',
    ]);
    expect(gate.peakInFlight).toBe(3);
    expect(gate.inFlight).toBeLessThanOrEqual(3);
  });
});
