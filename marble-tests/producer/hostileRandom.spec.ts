// A `random` option that throws or draws outside [0, 1) (say `() => Math.random() * 10`). Its
// draws only spread back-off delays and default keys: a bad one is replaced by Math.random(), and
// the throttled item is retried and delivered. Before, the back-off drawn while an answer was
// handled threw out of the producer (through the scheduler, or as an unhandled rejection with the
// SDK's promises: the process ended) and that answer's records were never reported.
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { FakeKinesis } from './support/fakeKinesis.js';

describe.each([
  [
    'throws',
    (): number => {
      throw new Error('random broke');
    },
  ],
  ['draws 2', () => 2],
  ['draws NaN', () => Number.NaN],
])('a random option that %s', (_, random) => {
  it('a throttled item is retried and delivered; every item is reported once; default keys work', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<string>[] = [];
    let completed = false;
    let fake!: FakeKinesis;
    scheduler.run(() => {
      fake = new FakeKinesis(scheduler, {
        shards: 2,
        entryFault: ({ data, attempt }) =>
          data === '"b"' && attempt === 1 ? 'ProvisionedThroughputExceededException' : undefined,
      });
      from(['a', 'b', 'c'])
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            bufferTime: 5,
            expoBackoff: 50,
            random,
          }),
        )
        .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
    });
    expect(reports.map((report) => `${report.item} ${report.status}`).sort()).toEqual([
      'a delivered',
      'b delivered',
      'c delivered',
    ]);
    expect(completed).toBe(true);
    // b went twice: throttled, then after its back-off.
    expect(fake.calls.flatMap((call) => call.records.map((record) => record.data)).sort()).toEqual([
      '"a"',
      '"b"',
      '"b"',
      '"c"',
    ]);
    for (const record of fake.stored) expect(record.partitionKey).toMatch(/^[0-9a-f]{16}$/);
  });
});
