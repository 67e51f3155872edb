// A client of the caller's own that answers what is no Kinesis answer: nothing at all (a mock
// left without a reply), entries that are null, a ListShards page without shards or with a hash
// key range that is no number. Each is handled as the server fault it is (InternalFailure,
// retried): every item gets one report, failed with a typed error once its retries are spent,
// and the output completes. Before, reading the answer threw outside the producer's handling (an
// unhandled rejection with the SDK's promises, which ends the process), and the items were never
// reported.
import { ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toKinesis } from '../../src/operators/toKinesis.js';
import type { DeliveryReport } from '../../src/producer/DeliveryReport.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import { evenShards } from './support/fakeKinesis.js';

interface Answers {
  readonly listShards: () => unknown;
  readonly putRecords: (entries: number) => unknown;
}

/** A client answering each call 10 ms later (virtual time) with what `answers` gives. */
function answeringClient(scheduler: TestScheduler, answers: Answers): KinesisClient {
  const later = (value: () => unknown) => ({
    then(resolve: (value: unknown) => void) {
      scheduler.schedule(() => resolve(value()), 10);
    },
  });
  return {
    send: (command: unknown) => {
      if (command instanceof ListShardsCommand) return later(answers.listShards);
      if (command instanceof PutRecordsCommand) {
        return later(() => answers.putRecords(command.input.Records?.length ?? 0));
      }
      return later(() => ({}));
    },
  } as unknown as KinesisClient;
}

const shards = () => ({ Shards: evenShards(1) });

describe.each<[string, Answers, string]>([
  [
    'PutRecords answers nothing',
    { listShards: shards, putRecords: () => undefined },
    'PutRecords answered 0',
  ],
  [
    'PutRecords answers null entries',
    {
      listShards: shards,
      putRecords: (entries) => ({ FailedRecordCount: 0, Records: Array(entries).fill(null) }),
    },
    'InternalFailure',
  ],
  [
    'ListShards answers nothing',
    { listShards: () => undefined, putRecords: () => undefined },
    'ListShards answered without a shard list',
  ],
  [
    'ListShards answers a hash key range that is no number',
    {
      listShards: () => ({
        Shards: [{ ShardId: 'shardId-0', HashKeyRange: { StartingHashKey: 'x', EndingHashKey: 'y' } }],
      }),
      putRecords: () => undefined,
    },
    'ListShards answered shards that cannot be read',
  ],
])('a client of the caller’s own: %s', (_, answers, named) => {
  it('every item is reported once, failed with a typed error naming the fault; the output completes', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<number>[] = [];
    let completed = false;
    scheduler.run(() => {
      from([1, 2, 3])
        .pipe(
          toKinesis<number>({
            streamName: 'orders',
            client: answeringClient(scheduler, answers),
            bufferTime: 5,
            retryLimit: 1,
            expoBackoff: 10,
            onFailure: 'emit',
          }),
        )
        .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
    });
    expect(reports.map((report) => report.item).sort()).toEqual([1, 2, 3]);
    for (const report of reports) {
      expect(report.status).toBe('failed');
      if (report.status !== 'failed') continue;
      expect(report.error).toBeInstanceOf(DeliveryRetryLimitError);
      expect(report.error.message).toContain(named);
    }
    expect(completed).toBe(true);
  });
});

describe('a client of the caller’s own whose DescribeStreamSummary answers nothing', () => {
  it('the stream first missing, then listed: the items are delivered once it is', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const reports: DeliveryReport<number>[] = [];
    let completed = false;
    let lists = 0;
    scheduler.run(() => {
      const answer = (value: () => unknown, fails = false) => ({
        then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
          scheduler.schedule(() => {
            if (fails) reject(Object.assign(new Error('no stream'), { name: 'ResourceNotFoundException' }));
            else resolve(value());
          }, 10);
        },
      });
      let sequence = 0;
      const client = {
        send: (command: unknown) => {
          if (command instanceof ListShardsCommand) {
            lists += 1;
            return answer(shards, lists === 1);
          }
          if (command instanceof PutRecordsCommand) {
            const entries = command.input.Records ?? [];
            return answer(() => ({
              FailedRecordCount: 0,
              Records: entries.map(() => ({
                ShardId: evenShards(1)[0]!.ShardId,
                SequenceNumber: String((sequence += 1)),
              })),
            }));
          }
          // DescribeStreamSummary: nothing.
          return answer(() => undefined);
        },
      } as unknown as KinesisClient;
      from([1, 2, 3])
        .pipe(toKinesis<number>({ streamName: 'orders', client, bufferTime: 5, onFailure: 'emit' }))
        .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
    });
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(reports.map((report) => `${report.item} ${report.status}`).sort()).toEqual([
      '1 delivered',
      '2 delivered',
      '3 delivered',
    ]);
    expect(completed).toBe(true);
  });
});

function revokedProxy(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function gettersThrow(): unknown {
  return new Proxy(
    {},
    {
      get: () => {
        throw new Error('getter');
      },
    },
  );
}

describe.each([
  ['a revoked Proxy', revokedProxy],
  ['an object whose getters throw', gettersThrow],
])('a client of the caller’s own that rejects with %s', (_, rejection) => {
  it.each(['ListShards', 'PutRecords'])(
    'from %s: every item fails once with DeliveryFailedError; the output completes',
    (failing) => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      const reports: DeliveryReport<number>[] = [];
      let completed = false;
      scheduler.run(() => {
        const client = {
          send: (command: unknown) => ({
            then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
              scheduler.schedule(() => {
                const isList = command instanceof ListShardsCommand;
                if (isList === (failing === 'ListShards')) reject(rejection());
                else resolve(shards());
              }, 10);
            },
          }),
        } as unknown as KinesisClient;
        from([1, 2])
          .pipe(toKinesis<number>({ streamName: 'orders', client, bufferTime: 5, onFailure: 'emit' }))
          .subscribe({ next: (report) => reports.push(report), complete: () => (completed = true) });
      });
      expect(reports.map((report) => report.item).sort()).toEqual([1, 2]);
      for (const report of reports) {
        expect(report.status).toBe('failed');
        if (report.status !== 'failed') continue;
        expect(report.error).toBeInstanceOf(DeliveryFailedError);
        expect(report.error.message).toContain('the call failed with');
      }
      expect(completed).toBe(true);
    },
  );
});
