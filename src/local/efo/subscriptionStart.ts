import { invalidArgument, localAccountId, type AwsErrorAnswer } from '../awsErrors.js';
import { epochMs } from '../listShardsPage.js';
import type { JsonObject } from '../UpstreamAnswer.js';
import { encodesNoShard } from '../encodesNoShard.js';
import type { BackingStoreAnswer, BackingStoreJson } from './BackingStoreJson.js';
import { validationOf } from '../modelValidation.js';
import { startingPositionViolations } from './fanOutRequestModel.js';

/** Where a subscription starts reading a shard. */
export interface SubscriptionStart {
  /** Iterator of the backing store at the first record not yet in `pending`; undefined at the end of a closed shard. */
  readonly iterator: string | undefined;
  /** Records already read at the start (AT_TIMESTAMP), to be sent first. */
  readonly pending: readonly JsonObject[];
  /**
   * The sequence number to resume AFTER, were the subscription to end before its first record:
   * the last record before the start, or the shard's starting sequence number.
   */
  readonly continuation: string;
}

/** A StartingPosition of SubscribeToShard, checked. */
export type StartingPosition =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestampMs: number };

const PAGE_LIMIT = 10_000;

/** Reads a StartingPosition; an error answer if it is not one Kinesis accepts. */
export function parseStartingPosition(value: unknown): StartingPosition | AwsErrorAnswer {
  // The API model's check comes first: the position and its Type given, a SequenceNumber
  // matching its pattern.
  const broken = startingPositionViolations(value);
  if (broken.length > 0) return validationOf(broken);
  const { Type: type, SequenceNumber: sequenceNumber, Timestamp: timestamp } = value as JsonObject;
  switch (type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      if (sequenceNumber !== undefined && sequenceNumber !== null)
        return invalidArgument(`StartingPosition ${type} must not specify a SequenceNumber.`);
      return { type };
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER':
      if (typeof sequenceNumber !== 'string')
        return invalidArgument(`StartingPosition ${type} needs a SequenceNumber.`);
      return { type, sequenceNumber };
    case 'AT_TIMESTAMP': {
      const timestampMs = epochMs(timestamp);
      if (timestampMs === undefined)
        return invalidArgument('StartingPosition AT_TIMESTAMP needs a Timestamp.');
      return { type, timestampMs };
    }
    default:
      // Not reached: the model check above refuses any other Type.
      return invalidArgument(`StartingPosition Type ${String(type)} is not one Kinesis takes.`);
  }
}

/**
 * Finds where a subscription starts. TRIM_HORIZON, AT_ and AFTER_SEQUENCE_NUMBER take the backing
 * store's iterator; LATEST and AT_TIMESTAMP read the shard from its start, so that the
 * continuation point before the first record is a true sequence number too (the store's own
 * LATEST iterator does not tell which record it follows).
 */
export async function subscriptionStart(
  store: BackingStoreJson,
  streamName: string,
  shardId: string,
  shardStartingSequenceNumber: string,
  position: StartingPosition,
  now: number,
): Promise<SubscriptionStart | AwsErrorAnswer> {
  const iteratorOf = async (type: string, sequenceNumber?: string): Promise<string | AwsErrorAnswer> => {
    const answer = await store.call('GetShardIterator', {
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: type,
      ...(sequenceNumber === undefined ? {} : { StartingSequenceNumber: sequenceNumber }),
    });
    if (answer.status === 200 && typeof answer.body.ShardIterator === 'string')
      return answer.body.ShardIterator;
    if (
      sequenceNumber !== undefined &&
      (answer.status >= 500 || encodesNoShard(answer.status, answer.body.message))
    ) {
      return invalidArgument(
        `StartingSequenceNumber ${sequenceNumber} used in SubscribeToShard on shard ${shardId} in stream ` +
          `${streamName} under account ${localAccountId()} is invalid.`,
      );
    }
    return storeError(answer);
  };

  if (position.type === 'TRIM_HORIZON') {
    const iterator = await iteratorOf('TRIM_HORIZON');
    if (typeof iterator !== 'string') return iterator;
    return { iterator, pending: [], continuation: shardStartingSequenceNumber };
  }
  if (position.type === 'AT_SEQUENCE_NUMBER' || position.type === 'AFTER_SEQUENCE_NUMBER') {
    const iterator = await iteratorOf(position.type, position.sequenceNumber);
    if (typeof iterator !== 'string') return iterator;
    return { iterator, pending: [], continuation: position.sequenceNumber };
  }
  // LATEST, or AT_TIMESTAMP: skip the records before the start.
  const from = position.type === 'AT_TIMESTAMP' ? position.timestampMs : undefined;
  if (from !== undefined && from > now) {
    return invalidArgument(
      `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ` +
        `timestampInMillis: ${from}, currentTimestampInMillis: ${now}`,
    );
  }
  let iterator: string | AwsErrorAnswer | undefined = await iteratorOf('TRIM_HORIZON');
  let continuation = shardStartingSequenceNumber;
  while (iterator !== undefined) {
    if (typeof iterator !== 'string') return iterator;
    const page = await store.call('GetRecords', { ShardIterator: iterator, Limit: PAGE_LIMIT });
    if (page.status !== 200) return storeError(page);
    const records = (Array.isArray(page.body.Records) ? page.body.Records : []) as JsonObject[];
    const next = typeof page.body.NextShardIterator === 'string' ? page.body.NextShardIterator : undefined;
    if (from !== undefined) {
      const first = records.findIndex((record) => (epochMs(record.ApproximateArrivalTimestamp) ?? 0) >= from);
      if (first >= 0) {
        if (first > 0) continuation = String(records[first - 1]!.SequenceNumber);
        return { iterator: next, pending: records.slice(first), continuation };
      }
    }
    if (records.length === 0) return { iterator: next, pending: [], continuation };
    continuation = String(records[records.length - 1]!.SequenceNumber);
    iterator = next;
  }
  return { iterator: undefined, pending: [], continuation };
}

/** The error answer of a failed call to the backing store. */
export function storeError(answer: BackingStoreAnswer): AwsErrorAnswer {
  return {
    status: answer.status >= 400 ? answer.status : 500,
    type: typeof answer.body.__type === 'string' ? answer.body.__type.replace(/^.*#/, '') : 'InternalFailure',
    message: typeof answer.body.message === 'string' ? answer.body.message : 'Internal service failure.',
  };
}
