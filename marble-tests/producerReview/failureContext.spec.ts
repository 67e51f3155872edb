// A delivery failure names its stream, and the shard its items were meant for when they reached
// one; it is `retriable` when what stopped the items may pass (throttling, 5xx, connection
// failures) and not when retrying cannot help (validation, access denied). Before, the items that
// waited for the first shard map failed without the stream's name, a call failed as a whole (a 500,
// a reset) failed the items of every shard with one error naming none, and DeliveryFailedError and
// DeliveryRetryLimitError were never retriable, even after throttling or a connection outage.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RxjsKinesisError } from '../../src/errors/RxjsKinesisError.js';
import { toKinesis } from '../../src/operators/toKinesis.js';
import { DeliveryFailedError } from '../../src/producer/errors/DeliveryFailedError.js';
import { DeliveryRetryLimitError } from '../../src/producer/errors/DeliveryRetryLimitError.js';
import type { ToKinesisOptions } from '../../src/producer/ToKinesisOptions.js';
import {
  awsError,
  connectionReset,
  FakeKinesis,
  type FakeKinesisOptions,
} from '../producer/support/fakeKinesis.js';

interface Failure {
  readonly item: string;
  readonly error: RxjsKinesisError;
}

/** The failures of `items` sent through toKinesis() (partition key: the item) to a 2-shard fake. */
function failures(fakeOptions: FakeKinesisOptions, options: Partial<ToKinesisOptions<string>>): Failure[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const failed: Failure[] = [];
  scheduler.run(() => {
    const fake = new FakeKinesis(scheduler, { shards: 2, latencyMs: 10, ...fakeOptions });
    // 'a' and 'c' hash to the first shard, 'b' and 'd' to the second.
    of('a', 'b', 'c', 'd')
      .pipe(
        toKinesis<string>({
          streamName: 'orders',
          client: fake.client,
          partitionKey: (item) => item,
          onFailure: 'emit',
          random: () => 0.5,
          ...options,
        }),
      )
      .subscribe((report) => {
        if (report.status === 'failed') failed.push({ item: report.item, error: report.error });
      });
  });
  return failed.sort((a, b) => a.item.localeCompare(b.item));
}

const FIRST = 'shardId-000000000000';
const SECOND = 'shardId-000000000001';
const summary = (failed: Failure[]) =>
  failed.map(({ item, error }) => [
    item,
    error.name,
    error.context.streamName,
    error.context.shardId,
    error.retriable,
  ]);

describe('toKinesis(): what a delivery failure says, in virtual time', () => {
  it('a call failed as a whole: each item names its shard, retriable once the retries are used up', () => {
    const failed = failures({ requestFault: () => awsError('InternalFailure', 500) }, { retryLimit: 1 });
    expect(summary(failed)).toEqual([
      ['a', DeliveryRetryLimitError.name, 'orders', FIRST, true],
      ['b', DeliveryRetryLimitError.name, 'orders', SECOND, true],
      ['c', DeliveryRetryLimitError.name, 'orders', FIRST, true],
      ['d', DeliveryRetryLimitError.name, 'orders', SECOND, true],
    ]);
  });

  it('throttled entries at the retry limit: retriable, naming their shard', () => {
    const failed = failures(
      { entryFault: ({ data }) => (data === '"a"' ? 'ProvisionedThroughputExceededException' : undefined) },
      { retryLimit: 0 },
    );
    expect(summary(failed)).toEqual([['a', DeliveryRetryLimitError.name, 'orders', FIRST, true]]);
  });

  it('connection failures past connectionFailureTimeout: retriable, naming the shard', () => {
    const failed = failures({ requestFault: () => connectionReset() }, { connectionFailureTimeout: 100 });
    expect(failed).toHaveLength(4);
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error.retriable).toBe(true);
      expect(error.context.streamName).toBe('orders');
    }
    expect(summary(failed).map(([item, , , shardId]) => [item, shardId])).toEqual([
      ['a', FIRST],
      ['b', SECOND],
      ['c', FIRST],
      ['d', SECOND],
    ]);
  });

  it('a call refused as invalid, one item at a time: not retriable', () => {
    const failed = failures({ requestFault: () => awsError('ValidationException', 400) }, {});
    expect(summary(failed)).toEqual([
      ['a', DeliveryFailedError.name, 'orders', FIRST, false],
      ['b', DeliveryFailedError.name, 'orders', SECOND, false],
      ['c', DeliveryFailedError.name, 'orders', FIRST, false],
      ['d', DeliveryFailedError.name, 'orders', SECOND, false],
    ]);
  });

  it('the first shard map never loads: the waiting items name the stream', () => {
    const failed = failures(
      { listShardsFault: () => awsError('InternalFailure', 500) },
      { retryLimit: 1, expoBackoff: 10 },
    );
    expect(summary(failed)).toEqual([
      ['a', DeliveryRetryLimitError.name, 'orders', undefined, true],
      ['b', DeliveryRetryLimitError.name, 'orders', undefined, true],
      ['c', DeliveryRetryLimitError.name, 'orders', undefined, true],
      ['d', DeliveryRetryLimitError.name, 'orders', undefined, true],
    ]);
  });

  it('access denied: not retriable, naming the stream', () => {
    const failed = failures({ listShardsFault: () => awsError('AccessDeniedException', 400) }, {});
    expect(failed).toHaveLength(4);
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect([error.context.streamName, error.retriable]).toEqual(['orders', false]);
    }
  });
});
