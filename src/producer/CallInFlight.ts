import type { CallParts } from './CallParts.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { SendResult } from './PutRecordsSender.js';

/** What the abort of the producer finds of a PutRecords call in flight (CallInFlight.abandon). */
export interface AbandonedCall<T> {
  /**
   * The merged answers of the parts of a split call answered so far (stored, to retry, given
   * up), or undefined when none was: Kinesis said what became of these records.
   */
  readonly answered: SendResult<T> | undefined;
  /** Records of requests still in flight: Kinesis may have stored them. */
  readonly inFlight: readonly OutgoingRecord<T>[];
  /** Records of parts of a split call waiting for a call slot: not sent since the refusal. */
  readonly unsent: readonly OutgoingRecord<T>[];
}

/**
 * One PutRecords call of the send loop, from its sending to its answer: its records and, once
 * Kinesis refused it whole as invalid, its parts (CallParts), so that an abort can tell which of
 * its records Kinesis answered for, which are in a request in flight and which were never sent.
 */
export class CallInFlight<T> {
  /** Set when Kinesis refused the call whole and its records went again in parts. */
  parts: CallParts<T> | undefined = undefined;

  constructor(readonly records: readonly OutgoingRecord<T>[]) {}

  /** Where the call's records are, for an abort (no answer of it is handed on afterwards). */
  abandon(): AbandonedCall<T> {
    return this.parts?.abandon() ?? { answered: undefined, inFlight: this.records, unsent: [] };
  }
}
