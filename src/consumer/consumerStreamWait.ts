import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { classifyError } from '../kinesis/classifyError.js';
import { DEFAULT_ENSURE_STREAM_TIMEOUT_MS, ensureStream } from '../kinesis/ensureStream.js';
import { StreamNotActiveError } from '../kinesis/errors/StreamNotActiveError.js';
import { writeLog } from '../logging/writeLog.js';
import { callerClientDeadline, schedulerTimer } from './CallerClientDeadline.js';
import type { ResolvedConsumerOptions } from './ConsumerOptions.js';
import type { ShardDirectory } from './ShardDirectory.js';

// The consumer's waits for its stream to become ACTIVE: the one it creates, or one not ACTIVE yet.

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
  await waitForStream(client, options, abortSignal, true);
}

/**
 * The first shard listing. A stream that is not ACTIVE yet (ListShards refused with
 * ResourceInUseException once its retries are spent: a stream just created is CREATING for some
 * seconds) is waited for as `createStream: true` waits for the stream it creates, without
 * creating one, and then listed again. The error returned fails the consumer; `abortSignal` (the
 * consumer's stop) ends the wait at once.
 */
export async function firstListing(
  directory: ShardDirectory,
  client: KinesisClient,
  options: ResolvedConsumerOptions,
  abortSignal: AbortSignal,
): Promise<RxjsKinesisError | undefined> {
  // The consumer stops (or fails) and aborts its start-up at once.
  const running = (): boolean => !abortSignal.aborted;
  const error = await directory.refresh(running);
  if (!(error instanceof StreamNotActiveError) || !running()) return error;
  // Said once: the wait polls in silence, for up to 120 s, after consumer-started.
  writeLog(options.logger, 'info', 'waiting for the stream to become ACTIVE', {
    streamName: options.address.streamName,
    timeoutMs: DEFAULT_ENSURE_STREAM_TIMEOUT_MS,
    error,
  });
  try {
    await waitForStream(client, options, abortSignal, false);
  } catch (caught) {
    return running() ? classifyError(caught, { streamName: options.address.streamName }) : undefined;
  }
  return running() ? directory.refresh(running) : undefined;
}

async function waitForStream(
  client: KinesisClient,
  options: ResolvedConsumerOptions,
  abortSignal: AbortSignal,
  create: boolean,
): Promise<void> {
  const { scheduler } = options;
  const deadline = callerClientDeadline(options);
  await ensureStream(client, options.address, {
    create,
    shardCount: options.createStreamShards,
    // A fixed wait, as the README's option table says: the consumer has no option for it.
    timeoutMs: DEFAULT_ENSURE_STREAM_TIMEOUT_MS,
    ...(deadline === undefined ? {} : { callTimeoutMs: deadline.ms }),
    startTimer: schedulerTimer(scheduler),
    now: () => scheduler.now(),
    abortSignal,
  });
}
