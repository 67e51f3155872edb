import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_ENSURE_STREAM_TIMEOUT_MS, ensureStream } from '../kinesis/ensureStream.js';
import { callerClientDeadline, schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';

/**
 * `createStream: true`: creates the stream when it is missing and waits for it to become ACTIVE
 * for 120 s (a fixed wait: the consumer has no option for it), on the consumer's scheduler,
 * through a client of the caller's own with the deadline of the consumer's other calls (its own
 * client has one in its request handler). `abortSignal` (the consumer's stop) ends the wait and
 * the call in flight at once.
 */
export async function createConsumerStream(
  client: KinesisClient,
  options: ResolvedConsumerOptions,
  abortSignal: AbortSignal,
): Promise<void> {
  const { scheduler } = options;
  const deadline = callerClientDeadline(options);
  await ensureStream(client, options.address, {
    create: true,
    shardCount: options.createStreamShards,
    // A fixed wait, as the README's option table says: the consumer has no option for it.
    timeoutMs: DEFAULT_ENSURE_STREAM_TIMEOUT_MS,
    ...(deadline === undefined ? {} : { callTimeoutMs: deadline.ms }),
    startTimer: schedulerTimer(scheduler),
    now: () => scheduler.now(),
    abortSignal,
  });
}
