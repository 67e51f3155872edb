// A PutRecords call Kinesis refuses as invalid is split and its parts sent again; when those parts
// meet dropped connections, the connection-failure deadline starts at their failure, so the items
// are given up connectionFailureTimeout later. Before, the parts' failures were not counted (the
// merged answer looked like an answer from Kinesis and even ended a failure streak), so the
// records backed off for their full delay, past the deadline, before the failures began to count.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionError } from '../../src/kinesis/errors/ConnectionError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { awsError, connectionReset, FakeKinesis } from '../producer/support/fakeKinesis.js';

interface Outcome {
  readonly time: number;
  readonly item: string;
  readonly status: string;
  readonly error?: unknown;
}

describe('toKinesis(): connection failures of the parts of a split call, in virtual time', () => {
  it('start the connection-failure deadline: the items fail connectionFailureTimeout after the parts failed', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const outcomes: Outcome[] = [];
    let fake!: FakeKinesis;
    scheduler.run(() => {
      // The first call (a and b) is refused whole as invalid; every call after it, the two
      // halves at 10 first, loses its connection.
      fake = new FakeKinesis(scheduler, {
        latencyMs: 10,
        requestFault: (call) => (call === 0 ? awsError('ValidationException', 400) : connectionReset()),
      });
      of('a', 'b')
        .pipe(
          toKinesis<string>({
            streamName: 'orders',
            client: fake.client,
            partitionKey: 'k',
            scheduler,
            connectionFailureTimeout: 1000,
            expoBackoff: 5000,
            expoBackoffLimit: 5000,
            random: () => 0.99,
            onFailure: 'emit',
          }),
        )
        .subscribe((report) =>
          outcomes.push({
            time: scheduler.now(),
            item: report.item,
            status: report.status,
            ...(report.status === 'failed' ? { error: report.error.cause } : {}),
          }),
        );
    });
    // The halves went at 10 and failed at 20: the deadline is 1020. Their records go again then,
    // in one call (not after the ~4950 ms back-off); it fails at 1030 and the items are given up.
    expect(fake.calls.map((call) => call.time)).toEqual([0, 10, 10, 1020]);
    expect(outcomes.map(({ time, item, status }) => `${time} ${status}:${item}`).sort()).toEqual([
      '1030 failed:a',
      '1030 failed:b',
    ]);
    for (const outcome of outcomes) expect(outcome.error).toBeInstanceOf(ConnectionError);
  });
});
