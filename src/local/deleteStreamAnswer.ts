import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { resourceInUse } from './awsErrors.js';
import type { StreamBookkeeping } from './StreamBookkeeping.js';
import { errorAnswer, jsonAnswer, type UpstreamAnswer } from './UpstreamAnswer.js';

/**
 * What the front answers a DeleteStream itself, or undefined to pass it on to the backing store.
 *
 * - CREATING or UPDATING: refused (AWS deletes ACTIVE streams). kinesalite would take it, and its
 *   creation timer then brought the stream back ACTIVE, taking writes, until the deletion ended;
 *   a stream deleted while the front scaled it or changed its mode or encryption showed UPDATING,
 *   not DELETING, until it was gone.
 * - DELETING (a retry): answered as done, without passing it on. kinesalite starts a second
 *   deletion timer for it, which removed a stream of the same name created between the two
 *   timers' ends.
 */
export async function deleteStreamAnswer(
  parts: { readonly admin: KinesisClient; readonly bookkeeping: StreamBookkeeping },
  streamName: string,
): Promise<UpstreamAnswer | undefined> {
  let status: string | undefined;
  try {
    const summary = await parts.admin.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    status = parts.bookkeeping.statusOf(streamName, summary.StreamDescriptionSummary?.StreamStatus);
  } catch {
    // Not found (or not readable): the backing store answers the DeleteStream itself.
    return undefined;
  }
  if (status === 'CREATING' || status === 'UPDATING') return errorAnswer(resourceInUse(streamName, status));
  if (status === 'DELETING') return { ...jsonAnswer(200, null), body: Buffer.alloc(0) };
  return undefined;
}
