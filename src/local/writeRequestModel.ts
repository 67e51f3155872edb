import type { AwsErrorAnswer } from './awsErrors.js';
import {
  STREAM_NAME,
  stringMemberViolations,
  validationOf,
  violation,
  type StringConstraints,
} from './modelValidation.js';
import type { JsonObject } from './UpstreamAnswer.js';

/**
 * The API model check of PutRecords and PutRecord, as Kinesis makes it before anything else:
 * every constraint the request breaks, in one ValidationException, worded and ordered as the
 * backing store (kinesalite) words and orders them, so that an answer is the same with or
 * without the limits layer in front. AWS lists at most 10 ("10 validation errors detected: ...")
 * and prints each value as its Java model object prints: a blob as
 * `java.nio.HeapByteBuffer[pos=0 lim=N cap=N]`, the record list as its entries.
 */

/** The limits the model check applies: the model's own, or the lower ones of the limits layer. */
export interface WriteModelLimits {
  /** Most entries of a PutRecords. */
  readonly maxRecordsPerRequest: number;
  /** Largest data blob of an entry, in bytes. */
  readonly maxRecordBytes: number;
}

/** The limits of the Kinesis API model: 500 entries, 1 MiB of data. */
export const MODEL_WRITE_LIMITS: WriteModelLimits = { maxRecordsPerRequest: 500, maxRecordBytes: 1_048_576 };

/** The outcome of the model check. */
export type WriteModelCheck =
  /** Every constraint holds. */
  | { readonly outcome: 'passed' }
  /**
   * A member is not of its model type (or not what the check knows): the backing store answers
   * it (a SerializationException, which comes before the model check).
   */
  | { readonly outcome: 'unchecked' }
  /** Refused; `overLimit` when a limit (entries, data size) is among the broken constraints. */
  | { readonly outcome: 'refused'; readonly refusal: AwsErrorAnswer; readonly overLimit: boolean };

/** How many broken constraints AWS lists at most. */
const MAX_LISTED = 10;
/** How Kinesis prints each entry of the record list (kinesalite's stand-in for its Java objects). */
const ENTRY_SHOWN = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';
const PARTITION_KEY: StringConstraints = { min: 1, max: 256 };
const EXPLICIT_HASH_KEY = '0|([1-9]\\d{0,38})';
const SEQUENCE_NUMBER_FOR_ORDERING = '0|([1-9]\\d{0,128})';

/** The model check of a PutRecords request (StreamARN already resolved to StreamName). */
export function putRecordsModelCheck(payload: JsonObject, limits: WriteModelLimits): WriteModelCheck {
  const { Records: records, StreamName: streamName } = payload;
  if (!isStringOrAbsent(streamName)) return { outcome: 'unchecked' };
  if (records !== undefined && records !== null && !Array.isArray(records)) return { outcome: 'unchecked' };
  const entries = (records ?? undefined) as unknown[] | undefined;
  if (entries !== undefined && !entries.every(isTypedEntry)) return { outcome: 'unchecked' };

  const broken = new Violations();
  let overLimit = false;
  if (entries === undefined) {
    broken.add(violation(null, 'records', 'Member must not be null'));
  } else {
    const shown = `[${entries.map(() => ENTRY_SHOWN).join(', ')}]`;
    if (entries.length < 1)
      broken.add(violation(shown, 'records', 'Member must have length greater than or equal to 1'));
    if (entries.length > limits.maxRecordsPerRequest) {
      overLimit = true;
      broken.add(
        violation(
          shown,
          'records',
          `Member must have length less than or equal to ${limits.maxRecordsPerRequest}`,
        ),
      );
    }
    (entries as JsonObject[]).forEach((entry, index) => {
      const at = `records.${index + 1}.member`;
      broken.addAll(partitionKeyViolations(entry.PartitionKey, `${at}.partitionKey`));
      broken.addAll(patternViolations(entry.ExplicitHashKey, `${at}.explicitHashKey`, EXPLICIT_HASH_KEY));
      const data = dataViolations(entry.Data, `${at}.data`, limits.maxRecordBytes);
      overLimit ||= data.overLimit;
      broken.addAll(data.violations);
    });
  }
  broken.addAll(streamNameViolations(streamName));
  return broken.outcome(overLimit);
}

/** The model check of a PutRecord request (StreamARN already resolved to StreamName). */
export function putRecordModelCheck(payload: JsonObject, limits: WriteModelLimits): WriteModelCheck {
  const { SequenceNumberForOrdering: ordering, StreamName: streamName } = payload;
  if (!isStringOrAbsent(ordering) || !isStringOrAbsent(streamName) || !isTypedEntry(payload)) {
    return { outcome: 'unchecked' };
  }
  const broken = new Violations();
  broken.addAll(patternViolations(ordering, 'sequenceNumberForOrdering', SEQUENCE_NUMBER_FOR_ORDERING));
  broken.addAll(partitionKeyViolations(payload.PartitionKey, 'partitionKey'));
  broken.addAll(patternViolations(payload.ExplicitHashKey, 'explicitHashKey', EXPLICIT_HASH_KEY));
  const data = dataViolations(payload.Data, 'data', limits.maxRecordBytes);
  broken.addAll(data.violations);
  broken.addAll(streamNameViolations(streamName));
  return broken.outcome(data.overLimit);
}

/**
 * How Kinesis prints a blob of `bytes` bytes in a message: as the Java byte buffer holding it.
 * Also used for the record-size refusal of the limits layer, worded as this check words it.
 */
export function blobShown(bytes: number): string {
  return `java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]`;
}

/** The broken constraints found so far, the first 10 of them (AWS lists no more). */
class Violations {
  private readonly listed: string[] = [];

  add(text: string): void {
    if (this.listed.length < MAX_LISTED) this.listed.push(text);
  }

  addAll(texts: readonly string[]): void {
    for (const text of texts) this.add(text);
  }

  outcome(overLimit: boolean): WriteModelCheck {
    return this.listed.length === 0
      ? { outcome: 'passed' }
      : { outcome: 'refused', refusal: validationOf(this.listed), overLimit };
  }
}

function partitionKeyViolations(value: unknown, member: string): string[] {
  if (value === undefined || value === null) return [violation(null, member, 'Member must not be null')];
  return stringMemberViolations(member, value, PARTITION_KEY);
}

function patternViolations(value: unknown, member: string, pattern: string): string[] {
  if (value === undefined || value === null) return [];
  return stringMemberViolations(member, value, { min: 0, max: Number.POSITIVE_INFINITY, pattern });
}

function dataViolations(
  value: unknown,
  member: string,
  maxBytes: number,
): { readonly violations: string[]; readonly overLimit: boolean } {
  if (value === undefined || value === null) {
    return { violations: [violation(null, member, 'Member must not be null')], overLimit: false };
  }
  const bytes = Buffer.byteLength(value as string, 'base64');
  if (bytes <= maxBytes) return { violations: [], overLimit: false };
  return {
    violations: [
      violation(blobShown(bytes), member, `Member must have length less than or equal to ${maxBytes}`),
    ],
    overLimit: true,
  };
}

function streamNameViolations(value: unknown): string[] {
  if (value === undefined || value === null)
    return [violation(null, 'streamName', 'Member must not be null')];
  return stringMemberViolations('streamName', value, STREAM_NAME);
}

function isStringOrAbsent(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

/**
 * Whether a record entry's members have their model types (absent ones too): PartitionKey and
 * ExplicitHashKey strings, Data a blob in canonical base64 (what the store decodes; anything
 * else is a SerializationException there).
 */
function isTypedEntry(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey, Data: data } = value as JsonObject;
  if (!isStringOrAbsent(partitionKey) || !isStringOrAbsent(explicitHashKey)) return false;
  if (data === undefined || data === null) return true;
  return typeof data === 'string' && Buffer.from(data, 'base64').toString('base64') === data;
}
