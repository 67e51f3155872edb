import { performance } from 'node:perf_hooks';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { classifyError } from '../kinesis/classifyError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';

/** How long a CLI command keeps trying to reach Kinesis before it names the cause. */
export const REACH_TIMEOUT_MS = 5000;

/**
 * Fails within `timeoutMs` (plus one request), naming `where` (the endpoint, without user info)
 * and the cause (refused, DNS, TLS...), when Kinesis cannot be reached at all; any answer,
 * even an error, resolves: the rest is left to ensureStream.
 */
export async function checkReachable(
  client: KinesisClient,
  address: StreamAddress,
  where: string,
  timeoutMs: number = REACH_TIMEOUT_MS,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new DescribeStreamSummaryCommand(streamParams(address)));
      return;
    } catch (error) {
      const classified = classifyError(error, { streamName: address.streamName });
      if (!(classified instanceof ConnectionError)) return;
      if (performance.now() >= deadline) {
        throw new ConnectionError(`cannot reach Kinesis at ${where}: ${classified.message}`, {
          cause: classified,
          context: { streamName: address.streamName },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
