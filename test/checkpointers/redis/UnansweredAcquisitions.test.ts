// The tokens of acquisitions that got no answer are kept for the next acquisition of the same
// shard by the same owner; one of a shard its owner never asks for again (another worker took
// it, it was trimmed) stayed for good, one per shard ever seen. At most MAX_KEPT are kept now.
import { RedisUnavailableError } from '../../../src/checkpointers/redis/errors/RedisUnavailableError.js';
import { MAX_KEPT, UnansweredAcquisitions } from '../../../src/checkpointers/redis/UnansweredAcquisitions.js';

const unanswered = () => Promise.reject(new RedisUnavailableError('acquireLease', 1, new Error('timed out')));

const sizeOf = (a: UnansweredAcquisitions) => (a as unknown as { tokens: Map<string, string> }).tokens.size;
it('keeps the token of an unanswered acquisition for the next one, and at most MAX_KEPT of them', async () => {
  const acquisitions = new UnansweredAcquisitions();
  const shards = MAX_KEPT + 500;
  for (let i = 0; i < shards; i += 1) {
    const acquisition = { streamName: 's', shardId: `shardId-${i}`, owner: 'w', token: `t-${i}` };
    await expect(acquisitions.watch(acquisition, unanswered())).rejects.toThrow(RedisUnavailableError);
  }
  expect(sizeOf(acquisitions)).toBe(MAX_KEPT);
  // The oldest were forgotten; the latest are lent once each.
  expect(acquisitions.take('s', 'shardId-0', 'w')).toBeUndefined();
  expect(acquisitions.take('s', `shardId-${shards - 1}`, 'w')).toBe(`t-${shards - 1}`);
  expect(acquisitions.take('s', `shardId-${shards - 1}`, 'w')).toBeUndefined();
  // An answered call keeps nothing.
  await acquisitions.watch({ streamName: 's', shardId: 'x', owner: 'w', token: 't' }, Promise.resolve(1));
  expect(acquisitions.take('s', 'x', 'w')).toBeUndefined();
});
