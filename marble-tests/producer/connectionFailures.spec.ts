import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
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
