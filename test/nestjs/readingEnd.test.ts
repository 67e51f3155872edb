// The log lines of the NestJS transport say what ended the reading of a shard, from its records'
// abort reason: a lost lease, a handed-over one, a consumer that stopped reading it, or a reading
// that failed (not "lost or handed over" for each of them).
import { LeaseLostError } from '../../src/checkpointers/errors/LeaseLostError.js';
import { readingAbortReason } from '../../src/consumer/readingAbortReason.js';
import { RequestTimeoutError } from '../../src/index.js';
import { describeReadingEnd, nextReaderOf, readingEndOf } from '../../src/nestjs/readingEnd.js';

const where = { streamName: 'orders', workerId: 'w1' };

test("a handed-over lease's abort reason says it was handed over, not that it expired", () => {
  const handedOver = readingAbortReason('released', undefined, where, 'shardId-000000000001');
  expect(handedOver).toBeInstanceOf(LeaseLostError);
  expect(handedOver).toMatchObject({ handedOver: true, expectedOwner: 'w1', retriable: false });
  expect(handedOver.message).toBe(
    'Lease on shard shardId-000000000001 of stream orders handed over by "w1": released for another worker to take',
  );
  const expired = readingAbortReason('lost', undefined, where, 'shardId-000000000001');
  expect(expired).toMatchObject({ handedOver: false });
  expect(expired.message).toContain('lost by "w1": it is no longer held');
});

test.each([
  [
    'lost',
    new LeaseLostError({ streamName: 'orders', shardId: 's-1', expectedOwner: 'w1', actualOwner: 'w2' }),
    'the lease of s-1 was lost',
    'its next owner',
  ],
  ['released', undefined, 'the lease of s-1 was handed over', 'its next owner'],
  [
    'stopped',
    undefined,
    'the consumer stopped reading s-1',
    'the next reading of the shard, from its last checkpoint',
  ],
  [
    'failed',
    new RequestTimeoutError('GetRecords timed out'),
    'the reading of s-1 failed (RequestTimeoutError: GetRecords timed out)',
    'the next reading of the shard, from its last checkpoint',
  ],
] as const)('a reading %s is worded as such', (state, error, described, nextReader) => {
  const reason = readingAbortReason(state, error, where, 's-1');
  expect(describeReadingEnd(reason, 's-1')).toBe(described);
  expect(nextReaderOf(reason)).toBe(nextReader);
});

test('a reason that is no error of this library (or cannot be asked) is a failed reading', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  expect(readingEndOf(proxy)).toBe('failed');
  expect(readingEndOf('gone')).toBe('failed');
  expect(describeReadingEnd(new Error('boom'), 's-1')).toBe('the reading of s-1 failed (Error: boom)');
});
