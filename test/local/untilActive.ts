import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Waits (bounded) until a stream is ACTIVE, as code must on AWS after a create or reshard. */
export async function untilActive(
  client: KinesisClient,
  streamName: string,
  limitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} did not become ACTIVE in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
