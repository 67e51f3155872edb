import { OutOfOrderCheckpointError } from './errors/OutOfOrderCheckpointError.js';
import type { KinesisRecord } from './KinesisRecord.js';

/** A position checkpoint() passed: a record and its item index (Infinity for a whole record). */
export interface PassedPosition {
  readonly sequenceNumber: string;
  readonly sub: number;
}

/** Whether the item `at` of `record` comes before `passed` in its shard. */
export function isBehind(record: KinesisRecord, at: number, passed: PassedPosition): boolean {
  const a = record.sequenceNumber;
  const b = passed.sequenceNumber;
  // compareSequenceNumbers' order, with the usual case (a later record) decided in one comparison.
  if (a.length !== b.length) return a.length < b.length;
  if (a > b) return false;
  return a < b || at < passed.sub;
}

/**
 * The error of an item (`sub` of `record`; undefined for the whole record) that reached
 * checkpoint() after `passed`: by the same checkpoint(), or by another one of the subscriber
 * (`elsewhere`: the shard is split across checkpoint()s).
 */
export function passedOutOfOrder(
  record: KinesisRecord,
  sub: number | undefined,
  passed: PassedPosition,
  elsewhere: boolean,
): OutOfOrderCheckpointError {
  return new OutOfOrderCheckpointError(
    record.streamName,
    record.shardId,
    { sequenceNumber: record.sequenceNumber, subSequenceNumber: sub },
    {
      sequenceNumber: passed.sequenceNumber,
      subSequenceNumber: passed.sub === Number.POSITIVE_INFINITY ? undefined : passed.sub,
    },
    elsewhere,
  );
}
