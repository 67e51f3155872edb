// ShardListingCalls.stop() aborts the calls under way and resolves only once they ended: the
// listings and the stream confirmations (DescribeStreamSummary after a refused read) alike.
import { DescribeStreamSummaryCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { resolveConsumerOptions } from '../../src/consumer/resolveConsumerOptions.js';
import { ShardListingCalls } from '../../src/consumer/ShardListingCalls.js';

const CREATED = new Date('2026-01-01T00:00:00Z');

/** A client whose second DescribeStreamSummary answers only when aborted (as the SDK's does). */
function hangingConfirmClient(): KinesisClient {
  let describes = 0;
  const send = (command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    if (command instanceof ListShardsCommand) return Promise.resolve({ Shards: [] });
    if (!(command instanceof DescribeStreamSummaryCommand)) return Promise.reject(new Error('unexpected'));
    describes += 1;
    if (describes === 1)
      return Promise.resolve({ StreamDescriptionSummary: { StreamCreationTimestamp: CREATED } });
    return new Promise((_, reject) => {
      options?.abortSignal?.addEventListener('abort', () => {
        const error = new Error('aborted');
        error.name = 'AbortError';
        reject(error);
      });
    });
  };
  return { send } as unknown as KinesisClient;
}

test('stop() waits for a stream confirmation under way, not only for listings', async () => {
  const client = hangingConfirmClient();
  const calls = new ShardListingCalls(client, resolveConsumerOptions({ streamName: 'orders', client }));
  await calls.list();
  let confirmed = false;
  const confirming = calls.sameStream().then((answer) => {
    confirmed = true;
    return answer;
  });
  await calls.stop();
  expect(confirmed).toBe(true);
  await expect(confirming).resolves.toBeUndefined();
});
