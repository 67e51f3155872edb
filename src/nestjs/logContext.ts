import { parseStreamAddress } from '../kinesis/streamAddress.js';

/**
 * The context of a transport's or client's Nest log lines: its class and its stream, so that the
 * lines of several side by side tell them apart (shard ids repeat in every stream). A stream given
 * by ARN is named with its account and region too (`KinesisTransportStrategy orders (account
 * 111122223333, us-east-1)`): streams of one name in two accounts or regions are two streams. An
 * ARN is checked whole when parsed (a 12-digit account, a region of letters, digits and dashes),
 * so nothing else it might hold is shown.
 */
export function logContext(className: string, streamNameOrArn: string): string {
  const { streamName, accountId, region } = parseStreamAddress(streamNameOrArn);
  const where = accountId === undefined || region === undefined ? '' : ` (account ${accountId}, ${region})`;
  return `${className} ${streamName}${where}`;
}
