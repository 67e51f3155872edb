import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const shortReport = (report: DeliveryReport<string>) => `${report.status}:${report.item}`;

describe('toKinesis() flushOn in virtual time', () => {
  it('sends what waits at each flushOn emission instead of after bufferTime; intake goes on', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = cold('a b 97ms c 199ms d 9s |');
      const flushOn = hot('50ms f 249ms f');
      const out = source.pipe(
        toKinesis({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          bufferTime: 5000,
          flushOn,
        }),
        map(shortReport),
      );
      // a, b go at the first flush (50 ms); c and d at the second (300 ms); nothing waits 5 s. The
      // flush trigger is unsubscribed when the output completes (9.3 s).
      expectObservable(out).toBe('60ms (xy) 246ms (zw) 8986ms |', {
        x: 'delivered:a',
        y: 'delivered:b',
        z: 'delivered:c',
        w: 'delivered:d',
      });
      expectSubscriptions(flushOn.subscriptions).toBe('^ 9299ms !');
      scheduler.schedule(() => {
        expect(fake.calls.map((call) => [call.time, call.records.map((r) => r.data)])).toEqual([
          [50, ['"a"', '"b"']],
          [300, ['"c"', '"d"']],
        ]);
      }, 10_000);
    });
  });

  it('an error of flushOn ends the output after what was accepted is delivered', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      const source = cold('a 1s b');
      const flushOn = hot('20ms #', undefined, new Error('listener failed'));
      const out = source.pipe(
        toKinesis({ streamName: 'orders', client: fake.client, partitionKey: 'k', bufferTime: 100, flushOn }),
        map(shortReport),
      );
      // a is accepted, then flushOn fails: intake stops, a is delivered (its flush), then the error.
      expectObservable(out).toBe('30ms (x#)', { x: 'delivered:a' }, new Error('listener failed'));
    });
  });
});
