import {
  DescribeStreamSummaryCommand,
  LimitExceededException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** Between two status checks: 10 a second, half the account's DescribeStreamSummary rate. */
const POLL_MS = 100;
/** After a LimitExceededException (the account's 20 calls a second are taken): wait longer. */
const THROTTLED_MS = 250;

/**
 * Waits (bounded) until a stream is ACTIVE, as code must on AWS after a create or reshard:
 * polling DescribeStreamSummary within its rate (20 calls per second per account) and backing
 * off when it is exceeded anyway (other calls of the test share the account's budget).
 */
export async function untilActive(
  client: KinesisClient,
  streamName: string,
  limitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    let wait = POLL_MS;
    try {
      const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof LimitExceededException)) throw error;
      wait = THROTTLED_MS;
    }
    if (Date.now() > deadline) throw new Error(`stream ${streamName} did not become ACTIVE in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
