// Leaving toKinesis() while a throttled record waits for its back-off, or while items wait for
// bufferTime, in virtual time: by default the flush sends what waits at once and the back-off still
// runs its course (the record is stored once); with flushOnUnsubscribe: false no call is made after
// the unsubscription and no timer is left.
import { Subject, takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const throttleFirst = ({ data, attempt }: { data: string; attempt: number }) =>
  data === '"b"' && attempt === 1 ? 'ProvisionedThroughputExceededException' : undefined;

describe('toKinesis(): unsubscribing during a back-off or a bufferTime wait', () => {
  for (const flushOnUnsubscribe of [true, false]) {
    it(`a throttled record waiting for its retry (flushOnUnsubscribe: ${flushOnUnsubscribe})`, () => {
      const scheduler = newScheduler();
      let fake!: FakeKinesis;
      const reports: string[] = [];
      let disposedAt = -1;
      scheduler.run(({ cold }) => {
        fake = new FakeKinesis(scheduler, { latencyMs: 10, entryFault: throttleFirst });
        const stop = timer(30, scheduler);
        cold('a b')
          .pipe(
            toKinesis<string>({
              streamName: 'orders',
              client: fake.client,
              partitionKey: 'k',
              bufferTime: 5,
              expoBackoff: 200,
              random: () => 0.99,
              scheduler,
              flushOnUnsubscribe,
              metricsObserver: { complete: () => (disposedAt = scheduler.now()) },
            }),
            // Leaves at 30: a, b sent at 5 (bufferTime), answered at 15 (b throttled; back-off ~198 ms).
            takeUntil(stop),
          )
          .subscribe((report: DeliveryReport<string>) =>
            reports.push(`${scheduler.now()} ${report.status}:${report.item}`),
          );
      });
      expect(reports).toEqual(['15 delivered:a']);
      const calls = fake.calls.map((call) => [
        call.time,
        call.records.map((record) => `${record.data}=${record.outcome}`),
      ]);
      if (flushOnUnsubscribe) {
        // b is re-sent once its back-off (and the shard's throttled budget) allow, stored once; the
        // producer stops after that answer.
        expect(calls).toHaveLength(2);
        expect(calls[0]).toEqual([
          5,
          ['"a"=shardId-000000000000', '"b"=ProvisionedThroughputExceededException'],
        ]);
        expect(calls[1]![1]).toEqual(['"b"=shardId-000000000000']);
        expect(calls[1]![0]).toBeGreaterThan(30);
        expect(disposedAt).toBe((calls[1]![0] as number) + 10);
      } else {
        expect(calls).toEqual([
          [5, ['"a"=shardId-000000000000', '"b"=ProvisionedThroughputExceededException']],
        ]);
        expect(disposedAt).toBe(30);
      }
      expect(fake.stored.map((record) => record.data)).toEqual(flushOnUnsubscribe ? ['"a"', '"b"'] : ['"a"']);
    });
  }

  it('items waiting for bufferTime go at the unsubscription, not at bufferTime', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ hot }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = new Subject<string>();
      hot('a b c').subscribe(source);
      source
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            bufferTime: 1_000,
            scheduler,
          }),
          takeUntil(timer(50, scheduler)),
        )
        .subscribe();
    });
    expect(fake.calls.map((call) => [call.time, call.records.map((record) => record.data)])).toEqual([
      [50, ['"a"', '"b"', '"c"']],
    ]);
  });
});
