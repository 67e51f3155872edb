import { StreamConsumerLimitError } from './errors/StreamConsumerLimitError.js';

/** Consumers a stream may have: 20, or 50 with On-demand Advantage (no stream may have more). */
export const CONSUMERS_PER_STREAM = 20;
export const CONSUMERS_PER_ADVANTAGE_STREAM = 50;

/** What DescribeStreamSummary says of the stream's consumers. */
export interface StreamConsumerCount {
  readonly consumerCount: number | undefined;
  /** PROVISIONED or ON_DEMAND (On-demand Advantage, an account setting, is not told apart). */
  readonly streamMode: string | undefined;
}

/**
 * Kinesis answers RegisterStreamConsumer with LimitExceededException for its rate (5 calls a
 * second per account: "Rate exceeded for ..."), for a 6th consumer CREATING in the account, and
 * for a stream at its consumer limit. The first two pass and are retried; the last one does not,
 * and is told apart here:
 * - a refusal that says it is the rate, or names CREATING consumers, is not the consumer limit
 *   (`summary` is not asked: it costs a call);
 * - a refusal that names the limit ("... has reached the limit of N", as the local Kinesis words
 *   it) is, when the stream has that many consumers (or the count is unknown);
 * - otherwise the stream's count decides: 50 or more, or 20 or more for a provisioned stream (an
 *   on-demand stream may have 50 with On-demand Advantage, which DescribeStreamSummary does not
 *   show: at 20 to 49 it is retried, and the error given up with says it may be at its limit).
 * Resolves with the StreamConsumerLimitError to fail with, or undefined to retry.
 */
export async function consumerLimitRefusal(
  refusal: unknown,
  consumer: string,
  streamName: string,
  summary: () => Promise<StreamConsumerCount>,
): Promise<StreamConsumerLimitError | undefined> {
  const message = refusal instanceof Error ? refusal.message : '';
  if (/rate exceeded|CREATING/i.test(message)) return undefined;
  const { consumerCount, streamMode } = await summary().catch((): StreamConsumerCount => ({
    consumerCount: undefined,
    streamMode: undefined,
  }));
  const named = /limit of (\d+)/i.exec(message)?.[1];
  let limit: number | undefined;
  if (named !== undefined && /consumers/i.test(message)) {
    const namedLimit = Number(named);
    if (consumerCount === undefined || consumerCount >= namedLimit) limit = namedLimit;
  } else if (consumerCount !== undefined) {
    if (consumerCount >= CONSUMERS_PER_ADVANTAGE_STREAM) limit = CONSUMERS_PER_ADVANTAGE_STREAM;
    else if (consumerCount >= CONSUMERS_PER_STREAM && streamMode === 'PROVISIONED')
      limit = CONSUMERS_PER_STREAM;
  }
  if (limit === undefined) return undefined;
  return new StreamConsumerLimitError(consumer, streamName, limit, consumerCount, refusal);
}
