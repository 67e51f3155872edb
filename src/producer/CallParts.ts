import { KinesisValidationError } from '../kinesis/errors/KinesisValidationError.js';
import type { AbandonedCall } from './CallInFlight.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { DeliveredRecord, GivenUpRecord, SendResult } from './PutRecordsSender.js';

/**
 * The producer's PutRecords call slots (maxInFlightRequests), as the parts of a split call see
 * them: the call holds one slot (its own) and may borrow free ones for its parts.
 */
export interface CallSlots {
  /** Takes a free slot for a part of a split call; false when every slot is taken. */
  borrow(): boolean;
  /** A part is answered and its call needs the slot no more: it goes back to the producer. */
  giveBack(): void;
  /**
   * Asks for slots as they free: `sendWaiting` is called with a slot taken for it and sends the
   * call's next waiting part on it, or returns false (the slot goes back, and it is asked no more)
   * when no part waits any longer.
   */
  wantSlots(sendWaiting: () => boolean): void;
}

/** True when Kinesis refused the whole call as invalid and its records can be sent in parts. */
export function refusedWhole<T>(records: readonly OutgoingRecord<T>[], result: SendResult<T>): boolean {
  return records.length >= 2 && result.requestError instanceof KinesisValidationError;
}

/**
 * The parts of one PutRecords call Kinesis refused whole as invalid (one entry it will not take
 * fails the call): its records are sent again in halves, recursively, so only the entries it
 * refuses on their own fail, and the answers of all parts are merged into one result.
 *
 * Each part in flight holds one call slot, so the producer never has more than
 * maxInFlightRequests requests in flight: a refused part's halves go, the first on its slot, the
 * second on a slot borrowed while one is free. Otherwise it waits, with the call's later parts, for
 * the first slot to come: one the call's own parts leave as they are answered, or one the
 * producer frees (asked for with wantSlots). A call always holds a slot while it has parts to
 * send, so it never waits for itself. A part answered while none waits and others of the call
 * are still in flight gives its slot back; the last one keeps it for the call's own answer.
 */
export class CallParts<T> {
  private readonly delivered: DeliveredRecord<T>[] = [];
  private readonly retry: OutgoingRecord<T>[] = [];
  private readonly givenUp: GivenUpRecord<T>[] = [];
  private mispredicted = 0;
  /** Parts waiting for a slot of the call, oldest first. */
  private readonly waiting: (readonly OutgoingRecord<T>[])[] = [];
  /** Parts sent and not yet answered. */
  private readonly inFlight = new Set<readonly OutgoingRecord<T>[]>();
  /** Whether the producer offers this call the slots it frees (see wantSlots). */
  private askingForSlots = false;

  constructor(
    /** Sends one part as a PutRecords call and hands over what became of its records. */
    private readonly sendOnce: (
      records: readonly OutgoingRecord<T>[],
      done: (result: SendResult<T>) => void,
    ) => void,
    private readonly slots: CallSlots,
    /** A part is about to be sent (counted as a call, its records as retries). */
    private readonly partSent: (records: readonly OutgoingRecord<T>[]) => void,
    private readonly done: (result: SendResult<T>) => void,
  ) {}

  /** Sends the records of a call refused whole (`refusedWhole`) again in parts, on its slot. */
  split(records: readonly OutgoingRecord<T>[]): void {
    // Nothing of the refused request was stored: the halves are first attempts again.
    for (const record of records) {
      record.attempts -= 1;
      record.lastError = undefined;
    }
    const middle = records.length >>> 1;
    this.send(records.slice(0, middle));
    const second = records.slice(middle);
    if (this.slots.borrow()) {
      this.send(second);
      return;
    }
    this.waiting.push(second);
    if (this.askingForSlots) return;
    this.askingForSlots = true;
    this.slots.wantSlots(() => this.sendWaiting());
  }

  /** Sends the next waiting part on a slot the producer freed; false if none waits. */
  private sendWaiting(): boolean {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.askingForSlots = false;
      return false;
    }
    this.send(next);
    return true;
  }

  /**
   * Where the call's records are when the producer is aborted: the answers of the parts answered
   * so far (merged), the records of parts in flight, those of parts waiting for a slot.
   */
  abandon(): AbandonedCall<T> {
    const { delivered, retry, givenUp, mispredicted } = this;
    const anyAnswered = delivered.length > 0 || retry.length > 0 || givenUp.length > 0;
    return {
      answered: anyAnswered
        ? { delivered, retry, givenUp, mispredicted, requestError: undefined }
        : undefined,
      inFlight: [...this.inFlight].flat(),
      unsent: this.waiting.flat(),
    };
  }

  private send(part: readonly OutgoingRecord<T>[]): void {
    this.inFlight.add(part);
    this.partSent(part);
    this.sendOnce(part, (result) => this.answered(part, result));
  }

  private answered(part: readonly OutgoingRecord<T>[], result: SendResult<T>): void {
    this.inFlight.delete(part);
    if (refusedWhole(part, result)) {
      this.split(part);
      return;
    }
    this.delivered.push(...result.delivered);
    this.retry.push(...result.retry);
    this.givenUp.push(...result.givenUp);
    this.mispredicted += result.mispredicted;
    const next = this.waiting.shift();
    if (next !== undefined) this.send(next);
    else if (this.inFlight.size > 0) this.slots.giveBack();
    else {
      const { delivered, retry, givenUp, mispredicted } = this;
      this.done({ delivered, retry, givenUp, mispredicted, requestError: undefined });
    }
  }
}
