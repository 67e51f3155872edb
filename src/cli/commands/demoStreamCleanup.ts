import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { redactText } from '../../errors/redact.js';
import { isRetriable } from '../../kinesis/classifyError.js';
import { streamParams, type StreamAddress } from '../../kinesis/streamAddress.js';

/** How long the demo keeps trying to delete its stream, and how long it waits between tries. */
export interface DemoCleanupTiming {
  readonly deadlineMs: number;
  readonly pauseMs: number;
}

/**
 * A stream still CREATING (the demo stopped while waiting for it) cannot be deleted yet: Kinesis
 * deletes ACTIVE streams only, so it takes a stream up to a minute or two to be deletable.
 */
const DEFAULT_TIMING: DemoCleanupTiming = { deadlineMs: 120_000, pauseMs: 1_000 };

function tryAgain(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  // ResourceInUseException: CREATING or UPDATING; LimitExceededException: DeleteStream's 5 calls/s.
  return name === 'ResourceInUseException' || name === 'LimitExceededException' || isRetriable(error);
}

/**
 * Deletes the stream the demo created. A stream already gone counts as deleted; a stream not
 * deletable yet, or a call throttled or failed on the way, is tried again until `deadlineMs`.
 * A failure that remains is written to `errors` with the stream's name and how to delete it, so
 * that a stream billed by the hour is never left behind without a word; the demo's exit status
 * is left as it is.
 */
export async function deleteDemoStream(
  client: KinesisClient,
  address: StreamAddress,
  errors: { write(text: string): unknown },
  timing: DemoCleanupTiming = DEFAULT_TIMING,
): Promise<void> {
  const deadline = Date.now() + timing.deadlineMs;
  for (;;) {
    try {
      await client.send(new DeleteStreamCommand(streamParams(address)));
      return;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
      if (!tryAgain(error) || Date.now() + timing.pauseMs > deadline) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        errors.write(
          `could not delete the demo's stream ${address.streamName} (${redactText(reason)}); ` +
            `delete it yourself, e.g. aws kinesis delete-stream --stream-name ${address.streamName}\n`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, timing.pauseMs));
    }
  }
}
