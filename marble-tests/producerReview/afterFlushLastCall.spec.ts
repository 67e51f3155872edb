// An afterFlush that fails on the last PutRecords call of a run: the source has completed, so the
// run's end waits only for that call. Its items are reported delivered, then the output errors
// with AfterFlushError, as it does for a failure on an earlier call.
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import type { FlushInfo } from '../../src/producer/ProducerOptions.js';
import { AfterFlushError } from '../../src/producer/errors/AfterFlushError.js';
import { FakeKinesis } from '../producer/support/fakeKinesis.js';

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const shortReport = (report: DeliveryReport<string>) => `${report.status}:${report.item}`;

function run(
  marbles: string,
  afterFlush: (scheduler: TestScheduler) => (info: FlushInfo<string>) => void | PromiseLike<void>,
  onFailure: 'error' | 'emit',
): string[] {
  const scheduler = newScheduler();
  const events: string[] = [];
  scheduler.run(({ cold }) => {
    const fake = new FakeKinesis(scheduler, { latencyMs: 10 });
    cold(marbles)
      .pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: 'k',
          batchSize: 2,
          onFailure,
          afterFlush: afterFlush(scheduler),
        }),
      )
      .subscribe({
        next: (report) => events.push(`${scheduler.now()} ${shortReport(report)}`),
        error: (error: unknown) =>
          events.push(
            `${scheduler.now()} ${error instanceof AfterFlushError ? 'AfterFlushError' : String(error)}`,
          ),
        complete: () => events.push(`${scheduler.now()} complete`),
      });
  });
  return events;
}

/** A promise-like that rejects 5 ms later, in virtual time. */
const rejectLater = (scheduler: TestScheduler) => (): PromiseLike<void> => ({
  then: (_fulfilled, rejected) => {
    scheduler.schedule(() => rejected?.(new Error('sink down')), 5);
    return Promise.resolve() as never;
  },
});

const throwNow = () => () => {
  throw new Error('sink down');
};

describe('toKinesis(): afterFlush failing on the last call of a completed source', () => {
  for (const onFailure of ['error', 'emit'] as const) {
    it(`a rejection: the items are reported, then AfterFlushError (onFailure: ${onFailure})`, () => {
      // a, b answered at 11; afterFlush rejects at 16.
      expect(run('a b |', rejectLater, onFailure)).toEqual([
        '16 delivered:a',
        '16 delivered:b',
        '16 AfterFlushError',
      ]);
    });

    it(`a synchronous throw: the items are reported, then AfterFlushError (onFailure: ${onFailure})`, () => {
      expect(run('a b |', throwNow, onFailure)).toEqual([
        '11 delivered:a',
        '11 delivered:b',
        '11 AfterFlushError',
      ]);
    });
  }

  it('a failure on a call before the last: the later items are still reported, then the error', () => {
    // Only the first call's afterFlush rejects: c, d (answered at 13) are reported before it ends.
    const firstOnly = (scheduler: TestScheduler) => {
      let calls = 0;
      return (): PromiseLike<void> | void => {
        calls += 1;
        return calls === 1 ? rejectLater(scheduler)() : undefined;
      };
    };
    expect(run('a b c d |', firstOnly, 'error')).toEqual([
      '13 delivered:c',
      '13 delivered:d',
      '16 delivered:a',
      '16 delivered:b',
      '16 AfterFlushError',
    ]);
  });

  it('an afterFlush that succeeds: the output completes after the last report', () => {
    expect(run('a b |', () => () => undefined, 'error')).toEqual([
      '11 delivered:a',
      '11 delivered:b',
      '11 complete',
    ]);
  });
});
