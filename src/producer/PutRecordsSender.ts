import type { KinesisClient, PutRecordsCommandOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { RxjsKinesisError } from '../errors/RxjsKinesisError.js';
import { backoffDelay } from '../kinesis/backoff.js';
import { classifyError } from '../kinesis/classifyError.js';
import { ConnectionError } from '../kinesis/errors/ConnectionError.js';
import { RequestTimeoutError } from '../kinesis/errors/RequestTimeoutError.js';
import type { PutRecordsEntry } from '../kinesis/putRecordsBody.js';
import { sendPutRecords } from '../kinesis/putRecordsWire.js';
import { neverConnected, wasNotSent } from '../kinesis/requestNotSent.js';
import { streamParams, type StreamAddress } from '../kinesis/streamAddress.js';
import type { CallInFlight } from './CallInFlight.js';
import { CallParts, refusedWhole, type CallSlots } from './CallParts.js';
import type { ConnectionFailureDeadline } from './ConnectionFailureDeadline.js';
import type { OutgoingRecord } from './OutgoingRecord.js';
import type { ProducerCalls } from './ProducerCalls.js';
import type { ResolvedProducerOptions } from './ProducerOptions.js';

export interface RetryPolicy {
  /** Retries allowed per record (Infinity: no limit). */
  readonly retryLimit: number;
  /** Ceiling of the first retry delay, ms. */
  readonly baseMs: number;
  /** Largest delay ceiling, ms. */
  readonly capMs: number;
  readonly random: () => number;
}

/** A producer's retry policy, from its options. */
export function retryPolicyOf<T>(options: ResolvedProducerOptions<T>): RetryPolicy {
  const { retryLimit, expoBackoff, expoBackoffLimit, random } = options;
  return { retryLimit, baseMs: expoBackoff, capMs: expoBackoffLimit, random };
}

export interface DeliveredRecord<T> {
  readonly record: OutgoingRecord<T>;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

export interface GivenUpRecord<T> {
  readonly record: OutgoingRecord<T>;
  readonly error: RxjsKinesisError;
  /** True when the retry limit was reached; false when the error cannot be fixed by retrying. */
  readonly retryLimitReached: boolean;
}

/** What became of one PutRecords call. */
export interface SendResult<T> {
  readonly delivered: DeliveredRecord<T>[];
  /** Records to send again, their back-off (`notBefore`) and attempt count already set. */
  readonly retry: OutgoingRecord<T>[];
  readonly givenUp: GivenUpRecord<T>[];
  /** Entries stored in a shard other than the predicted one: the stream was resharded. */
  readonly mispredicted: number;
  /** The whole call failed with this error (undefined when Kinesis answered entry by entry). */
  readonly requestError: RxjsKinesisError | undefined;
}

/**
 * Sends one PutRecords call and sorts its records into delivered, to retry (only the failed
 * entries, with exponential back-off and full jitter) and given up (non-retriable errors, the
 * retry limit reached, or connection failures past connectionFailureTimeout). Every call made,
 * each part of a split one included, tells the connection-failure deadline whether Kinesis
 * answered. The answer is handled with then(), never awaited, so a client answering on an RxJS
 * scheduler keeps the producer in that scheduler's time.
 */
export class PutRecordsSender<T> {
  constructor(
    private readonly client: KinesisClient,
    private readonly address: StreamAddress,
    private readonly policy: RetryPolicy,
    private readonly now: () => number,
    private readonly calls: ProducerCalls,
    private readonly connection: ConnectionFailureDeadline,
    /** A part of a split call is about to be sent (counted as a call, its records as retries). */
    private readonly partSent: (records: readonly OutgoingRecord<T>[]) => void = () => undefined,
  ) {}

  /**
   * Sends the records of `call` in one PutRecords call, on the call slot the caller took for it,
   * and calls `done` once with what became of each. When Kinesis refuses the whole request as
   * invalid (one entry it will not take fails the call), the records are sent again in parts
   * (CallParts, kept on `call` for an abort), within `slots`, so only the entries it refuses on
   * their own fail and the others are delivered.
   */
  send(call: CallInFlight<T>, slots: CallSlots, done: (result: SendResult<T>) => void): void {
    const { records } = call;
    this.sendOnce(records, (result) => {
      if (!refusedWhole(records, result)) {
        done(result);
        return;
      }
      const sendOnce = (part: readonly OutgoingRecord<T>[], answered: (result: SendResult<T>) => void) =>
        this.sendOnce(part, answered);
      call.parts = new CallParts<T>(sendOnce, slots, this.partSent, done);
      call.parts.split(records);
    });
  }

  private sendOnce(records: readonly OutgoingRecord<T>[], done: (result: SendResult<T>) => void): void {
    const entries = new Array<PutRecordsEntry>(records.length);
    for (let i = 0; i < records.length; i += 1) entries[i] = records[i]!.record;
    for (const record of records) record.attempts += 1;
    const { calls } = this;
    calls.call(
      (abortSignal) => sendPutRecords(this.client, streamParams(this.address), entries, abortSignal),
      () =>
        new RequestTimeoutError(`PutRecords got no answer within ${calls.deadline?.ms} ms`, {
          context: { streamName: this.address.streamName },
        }),
      (output) => {
        this.connection.answered();
        done(this.answered(records, output));
      },
      (error: unknown) => done(this.deadlineApplied(this.requestFailed(records, error))),
    );
  }

  /**
   * A call failed as a whole. Without an answer from Kinesis (a ConnectionError), the records to
   * retry are given up once connection failures have gone on for connectionFailureTimeout, and
   * never wait past that moment; with one (a 500, a ValidationException), the failures are over.
   */
  private deadlineApplied(result: SendResult<T>): SendResult<T> {
    const error = result.requestError;
    if (!(error instanceof ConnectionError)) {
      this.connection.answered();
      return result;
    }
    const given = this.connection.giveUp(error, this.now());
    if (given === undefined) {
      const { deadline } = this.connection;
      for (const record of result.retry) if (record.notBefore > deadline) record.notBefore = deadline;
      return result;
    }
    const givenUp = result.retry.map((record) => ({ record, error: given, retryLimitReached: false }));
    return { ...result, retry: [], givenUp: result.givenUp.concat(givenUp) };
  }

  private answered(records: readonly OutgoingRecord<T>[], output: PutRecordsCommandOutput): SendResult<T> {
    if (sdkRetried(output)) for (const record of records) record.possibleDuplicate = true;
    // A client of the caller's own may answer nothing (a mock): as an answer of no entries.
    const answers: readonly (PutRecordsResultEntry | null | undefined)[] =
      (output as PutRecordsCommandOutput | undefined)?.Records ?? [];
    if (answers.length !== records.length) {
      return this.requestFailed(
        records,
        Object.assign(
          new Error(`PutRecords answered ${answers.length} entries for ${records.length} records`),
          {
            name: 'InternalFailure',
          },
        ),
      );
    }
    const result = emptyResult<T>();
    records.forEach((record, i) => {
      // An entry that is not an object is answered as a failed one (InternalFailure).
      const answer: PutRecordsResultEntry = answers[i] ?? {};
      if (
        answer.ErrorCode === undefined &&
        answer.ShardId !== undefined &&
        answer.SequenceNumber !== undefined
      ) {
        result.delivered.push({ record, shardId: answer.ShardId, sequenceNumber: answer.SequenceNumber });
        if (answer.ShardId !== record.laneId) result.mispredicted += 1;
        return;
      }
      const code = answer.ErrorCode ?? 'InternalFailure';
      const error = classifyError(
        { name: code, message: answer.ErrorMessage ?? code },
        { streamName: this.address.streamName, shardId: record.laneId },
      );
      this.retryOrGiveUp(record, error, result);
    });
    return result;
  }

  private requestFailed(records: readonly OutgoingRecord<T>[], thrown: unknown): SendResult<T> {
    const error = classifyError(thrown, { streamName: this.address.streamName });
    const result: MutableResult<T> = { ...emptyResult<T>(), requestError: error };
    // A connection that failed after the request went may have stored it; one that failed
    // before (no credentials in time, a connection refused or a host not found) cannot have.
    const unknownOutcome =
      (error instanceof ConnectionError && !wasNotSent(thrown) && !neverConnected(error.code)) ||
      sdkRetried(thrown);
    for (const record of records) {
      if (unknownOutcome) record.possibleDuplicate = true;
      this.retryOrGiveUp(record, error, result);
    }
    return result;
  }

  private retryOrGiveUp(record: OutgoingRecord<T>, error: RxjsKinesisError, result: MutableResult<T>): void {
    record.lastError = error;
    if (!error.retriable) {
      result.givenUp.push({ record, error, retryLimitReached: false });
      return;
    }
    // Retries since the record's first attempt, or since its item was sent again after a
    // delivery (see OutgoingRecord.attemptsBefore).
    const retriesDone = record.attempts - 1 - record.attemptsBefore;
    if (retriesDone >= this.policy.retryLimit) {
      result.givenUp.push({ record, error, retryLimitReached: true });
      return;
    }
    const { baseMs, capMs, random } = this.policy;
    record.notBefore = this.now() + backoffDelay(retriesDone, { baseMs, capMs, random });
    result.retry.push(record);
  }
}

/**
 * True when the SDK client made more than one attempt at the call (a client of the caller's own
 * with the SDK's retries, or `maxAttempts` above 1): an attempt it retried may have ended without
 * an answer, after Kinesis stored the records, and the SDK does not say why it retried.
 */
function sdkRetried(outcome: unknown): boolean {
  if (typeof outcome !== 'object' || outcome === null) return false;
  try {
    const attempts = (outcome as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
    return typeof attempts === 'number' && attempts > 1;
  } catch {
    // A value whose fields cannot be read (see classifyError): no sign of a retry.
    return false;
  }
}

type MutableResult<T> = { -readonly [K in keyof SendResult<T>]: SendResult<T>[K] };

function emptyResult<T>(): MutableResult<T> {
  return {
    delivered: [],
    retry: [],
    givenUp: [],
    mispredicted: 0,
    requestError: undefined,
  };
}
