import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, resourceInUse, type AwsErrorAnswer } from './awsErrors.js';

/**
 * Per stream, until when it shows UPDATING after a change the front carries out itself (a
 * capacity mode switch, an encryption change): the stream status delay from the change on.
 */
export class UpdatingWindows {
  private readonly until = new Map<string, number>();

  constructor(private readonly delayMs: number) {}

  /** Whether the stream is UPDATING after such a change. */
  isUpdating(streamName: string): boolean {
    const until = this.until.get(streamName);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.until.delete(streamName);
    return false;
  }

  /** A change was made now: the stream shows UPDATING for the delay (not at all without one). */
  start(streamName: string): void {
    if (this.delayMs > 0) this.until.set(streamName, Date.now() + this.delayMs);
  }

  /** The stream was created anew or deleted. */
  forget(streamName: string): void {
    this.until.delete(streamName);
  }
}

/**
 * The refusal of a change to a stream that is not ACTIVE (`busy`: UPDATING through the front), as
 * AWS words it, or the backing store's answer for a stream it does not have; undefined when the
 * change may go ahead.
 */
export async function notActiveRefusal(
  admin: KinesisClient,
  streamName: string,
  busy: () => boolean,
): Promise<AwsErrorAnswer | undefined> {
  try {
    const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const status = summary.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN';
    const updating = busy();
    return status !== 'ACTIVE' || updating
      ? resourceInUse(streamName, updating ? 'UPDATING' : status)
      : undefined;
  } catch (error) {
    return answerOfSdkError(error);
  }
}
