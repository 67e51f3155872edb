import { describeForLog } from './describeForLog.js';
import { describePattern } from './describePattern.js';
import type { KinesisDeadLetter } from './KinesisDeadLetter.js';

/** The log line of a dead letter: what failed, where, and the error. */
export function describeDeadLetter(deadLetter: KinesisDeadLetter): string {
  const what =
    deadLetter.reason === 'undecodable'
      ? `Undecodable record ${deadLetter.record.shardId} @ ${deadLetter.record.sequenceNumber}`
      : `Handler for ${describePattern(deadLetter.pattern)} ${deadLetter.reason === 'handler-timeout' ? 'timed out' : 'failed'} ` +
        `on ${deadLetter.item.shardId} @ ${deadLetter.item.sequenceNumber}`;
  return `${what}: ${describeForLog(deadLetter.error)}`;
}
