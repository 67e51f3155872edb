import { map, of, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const shortReport = (report: DeliveryReport<string>) => `${report.status}:${report.item}`;

describe('toKinesis() composed with other operators, in virtual time', () => {
  it('takes nothing more from a synchronous source once unsubscribed during its emission', () => {
    const scheduler = newScheduler();
    let fake!: FakeKinesis;
    scheduler.run(({ expectObservable }) => {
      fake = new FakeKinesis(scheduler, { latencyMs: 10 });
      // 'b' has no valid key: its failed report is emitted while 'b' is, and take(1) unsubscribes
      // then, while of() goes on emitting 'c' and 'd' into the subscription it was not told about.
      const out = of('a', 'b', 'c', 'd').pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: (item) => (item === 'b' ? '' : item),
          onFailure: 'emit',
        }),
        take(1),
        map(shortReport),
      );
      expectObservable(out).toBe('(x|)', { x: 'failed:b' });
    });
    // 'a' was accepted before the unsubscription and is delivered; 'c' and 'd' came after it.
    expect(fake.stored.map((record) => record.data)).toEqual(['"a"']);
  });
});
