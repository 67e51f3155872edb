// The parts of a PutRecords call Kinesis refuses whole as invalid take call slots like calls: never
// more than maxInFlightRequests requests are in flight. A part goes on a free slot if there is one,
// else it waits for one of its call's own parts to be answered or for a slot another call frees,
// whichever comes first. Before, both halves of a refused call went at once beside every other
// call, whatever maxInFlightRequests said.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import { awsError, FakeKinesis } from '../producer/support/fakeKinesis.js';

/** Runs `items` through toKinesis(); every call holding `invalid` is refused whole as invalid. */
function produce(items: string[], invalid: string, options: Partial<ToKinesisOptions<string>>) {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const outcomes: string[] = [];
  let fake!: FakeKinesis;
  scheduler.run(() => {
    fake = new FakeKinesis(scheduler, {
      latencyMs: 10,
      requestFault: (_, data) =>
        data.includes(`"${invalid}"`) ? awsError('ValidationException', 400) : undefined,
    });
    of(...items)
      .pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          onFailure: 'emit',
          ...options,
        }),
      )
      .subscribe((report) => outcomes.push(`${scheduler.now()} ${report.item}:${report.status}`));
  });
  const calls = fake.calls.map(
    (call) => `${call.time} ${call.records.map((record) => record.data).join('')}`,
  );
  return { calls, outcomes: outcomes.sort(), most: fake.mostPutRecordsInFlight };
}

describe('toKinesis(): the parts of a split call within maxInFlightRequests, in virtual time', () => {
  it('with one slot, sends the parts one after the other', () => {
    const { calls, outcomes, most } = produce(['a', 'b', 'c', 'd'], 'c', { maxInFlightRequests: 1 });
    expect(calls).toEqual(['0 "a""b""c""d"', '10 "a""b"', '20 "c""d"', '30 "c"', '40 "d"']);
    expect(most).toBe(1);
    // A split call is reported once its last part is answered.
    expect(outcomes).toEqual(['50 a:delivered', '50 b:delivered', '50 c:failed', '50 d:delivered']);
  });

  it('sends a part beside the first on a free slot', () => {
    const { calls, most } = produce(['a', 'b', 'c', 'd'], 'c', { maxInFlightRequests: 2 });
    expect(calls).toEqual(['0 "a""b""c""d"', '10 "a""b"', '10 "c""d"', '20 "c"', '20 "d"']);
    expect(most).toBe(2);
  });

  it('lets a part wait while every slot is taken, for a slot its call or another call frees', () => {
    const { calls, outcomes, most } = produce(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 'a', {
      maxInFlightRequests: 2,
      batchSize: 4,
    });
    expect(calls).toEqual([
      '0 "a""b""c""d"',
      '0 "e""f""g""h"',
      // (a b c d) is refused at 10 while (e f g h) holds the other slot: (a b) goes on the call's
      // slot and (c d) on the one (e f g h) frees when it is answered, just after.
      '10 "a""b"',
      '10 "c""d"',
      // (a b) is refused at 20 with both slots taken: (b) waits for (c d), answered just after.
      '20 "a"',
      '20 "b"',
    ]);
    expect(most).toBe(2);
    expect(outcomes).toEqual([
      '10 e:delivered',
      '10 f:delivered',
      '10 g:delivered',
      '10 h:delivered',
      '30 a:failed',
      '30 b:delivered',
      '30 c:delivered',
      '30 d:delivered',
    ]);
  });
});
