import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { Producer } from '../../src/producer/Producer.js';
import { awsError, connectionReset, FakeKinesis } from './support/fakeKinesis.js';

describe('toKinesis(): connection failures between answers, in virtual time', () => {
  it('does not give items up for connection failures when Kinesis answered in between (a 500 is an answer)', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<string>[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      // Calls fail in turn with a dropped connection and a 500 for the first 3 s, then succeed.
      fake = new FakeKinesis(scheduler, {
        requestFault: (call) =>
          scheduler.now() >= 3000
            ? undefined
            : call % 2 === 0
              ? connectionReset()
              : awsError('InternalFailure', 500),
      });
      of('a')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            scheduler,
            connectionFailureTimeout: 1000,
            expoBackoff: 100,
            expoBackoffLimit: 200,
            random: () => 0.5,
            onFailure: 'emit',
          }),
        )
        .subscribe((report) => reports.push(report));
    });
    expect(fake.calls.length).toBeGreaterThan(10);
    expect(reports.map((report) => report.status)).toEqual(['delivered']);
  });
});

describe('toKinesis(): a client of the caller’s own that never answers, in virtual time', () => {
  it('gives each PutRecords call connectTimeout + requestTimeout, aborts it, and retries the records as possible duplicates', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<string>[] = [];
    const signals: (AbortSignal | undefined)[] = [];
    let done = false;
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler);
      let putCalls = 0;
      // The first PutRecords call is read and never answered (a silent connection, no deadline
      // in the client); everything else goes to the fake.
      const client = {
        send: (command: { constructor: { name: string } }, options?: { abortSignal?: AbortSignal }) => {
          if (command.constructor.name !== 'PutRecordsCommand') return fake.client.send(command as never);
          signals.push(options?.abortSignal);
          putCalls += 1;
          return putCalls === 1 ? new Promise<never>(() => undefined) : fake.client.send(command as never);
        },
      };
      of('a')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: client as never,
            partitionKey: 'k',
            scheduler,
            connectTimeout: 1000,
            requestTimeout: 2000,
            expoBackoff: 100,
            random: () => 0.5,
          }),
        )
        .subscribe({ next: (report) => reports.push(report), complete: () => (done = true) });
    });
    expect(done).toBe(true);
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report.status).toBe('delivered');
    expect(report.status === 'delivered' && [report.attempts, report.possibleDuplicate]).toEqual([2, true]);
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe('Producer: a client of the caller’s own whose first ListShards never answers, in virtual time', () => {
  it('abandons the look-up after connectTimeout + requestTimeout, looks again and delivers', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: { time: number; report: DeliveryReport<string> }[] = [];
    const signals: (AbortSignal | undefined)[] = [];
    scheduler.run(() => {
      const fake = new FakeKinesis(scheduler);
      let listCalls = 0;
      const client = {
        send: (command: { constructor: { name: string } }, options?: { abortSignal?: AbortSignal }) => {
          if (command.constructor.name !== 'ListShardsCommand') return fake.client.send(command as never);
          signals.push(options?.abortSignal);
          listCalls += 1;
          return listCalls === 1 ? new Promise<never>(() => undefined) : fake.client.send(command as never);
        },
      };
      const producer = new Producer<string>({
        streamName: 'orders',
        client: client as never,
        partitionKey: 'k',
        scheduler,
        connectTimeout: 1000,
        requestTimeout: 2000,
        expoBackoff: 100,
        random: () => 0.5,
      });
      producer.reports$.subscribe((report) => reports.push({ time: scheduler.now(), report }));
      void producer.put('a');
      scheduler.schedule(() => void producer.close(), 5000);
    });
    expect(reports.map(({ report }) => report.status)).toEqual(['delivered']);
    // Given up at 3,000 ms, looked up again 50 ms later, sent after bufferTime (500 ms), answered 10 ms later.
    expect(reports[0]!.time).toBe(3560);
    expect(signals[0]?.aborted).toBe(true);
  });
});
