import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { answerOfSdkError, invalidArgument, resourceInUse } from './awsErrors.js';
import { parseEncryptionRequest } from './encryptionRequest.js';
import { RecordEncryptionMarks } from './RecordEncryptionMarks.js';
import {
  errorAnswer,
  jsonAnswer,
  parseJsonObject,
  type JsonObject,
  type UpstreamAnswer,
} from './UpstreamAnswer.js';

export interface StreamEncryptionOptions {
  readonly admin: KinesisClient;
  /** How long a stream shows UPDATING after its encryption changed (ms). */
  readonly statusDelayMs: number;
  /** Whether the stream is UPDATING otherwise (scaling, a capacity mode switch). */
  readonly isBusy: (streamName: string) => boolean;
}

/** What DescribeStream(Summary) report of a stream's encryption. */
export interface EncryptionFacts {
  readonly encryptionType: 'KMS' | 'NONE';
  /** The key named by StartStreamEncryption (KMS only). */
  readonly keyId?: string;
}

/**
 * Server-side encryption of the local streams (StartStreamEncryption, StopStreamEncryption),
 * which kinesalite lacks: the front keeps each stream's key (nothing is encrypted, no key is
 * looked up), shows the stream UPDATING for the status delay after a change, and marks the
 * records written while encryption is on as AWS does: `EncryptionType: 'KMS'` in the PutRecord
 * and PutRecords answers and on the records GetRecords and SubscribeToShard return.
 */
export class StreamEncryption {
  private readonly keys = new Map<string, string>();
  private readonly updatingUntil = new Map<string, number>();
  private readonly marks = new RecordEncryptionMarks();

  constructor(private readonly options: StreamEncryptionOptions) {}

  factsOf(streamName: string): EncryptionFacts {
    const keyId = this.keys.get(streamName);
    return keyId === undefined ? { encryptionType: 'NONE' } : { encryptionType: 'KMS', keyId };
  }

  /** Whether the stream is UPDATING after an encryption change. */
  isUpdating(streamName: string): boolean {
    const until = this.updatingUntil.get(streamName);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.updatingUntil.delete(streamName);
    return false;
  }

  /** Forgets a stream deleted or created anew: its key and the marks of its records. */
  forget(streamName: string): void {
    this.keys.delete(streamName);
    this.updatingUntil.delete(streamName);
    this.marks.forget(streamName);
  }

  /** StartStreamEncryption or StopStreamEncryption, with the stream named by StreamName. */
  async change(
    operation: 'StartStreamEncryption' | 'StopStreamEncryption',
    payload: JsonObject,
  ): Promise<UpstreamAnswer> {
    const request = parseEncryptionRequest(payload);
    if ('status' in request) return errorAnswer(request);
    const { streamName, encryptionType, keyId } = request;
    try {
      const summary = await this.options.admin.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      const status = summary.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN';
      const busy = this.isUpdating(streamName) || this.options.isBusy(streamName);
      if (status !== 'ACTIVE' || busy) {
        return errorAnswer(resourceInUse(streamName, busy ? 'UPDATING' : status));
      }
    } catch (error) {
      return errorAnswer(answerOfSdkError(error));
    }
    const current = this.keys.get(streamName);
    if (operation === 'StartStreamEncryption') {
      if (encryptionType !== 'KMS') {
        return errorAnswer(
          invalidArgument(
            `Encryption type ${encryptionType} is not valid for StartStreamEncryption; the only valid value is KMS.`,
          ),
        );
      }
      this.keys.set(streamName, keyId);
    } else {
      if (current === undefined) {
        return errorAnswer(invalidArgument(`Stream ${streamName} is not encrypted.`));
      }
      if (encryptionType !== 'KMS' || keyId !== current) {
        return errorAnswer(
          invalidArgument(
            `Encryption type ${encryptionType} and key ${keyId} do not match the encryption of stream ${streamName}.`,
          ),
        );
      }
      this.keys.delete(streamName);
    }
    if (this.options.statusDelayMs > 0) {
      this.updatingUntil.set(streamName, Date.now() + this.options.statusDelayMs);
    }
    return jsonAnswer(200, {});
  }

  /**
   * A PutRecord or PutRecords answer for `streamName`, marked as AWS marks it while the stream's
   * encryption is on (`EncryptionType: 'KMS'`); the records written are remembered as encrypted
   * or not.
   */
  written(streamName: string | undefined, answer: UpstreamAnswer): UpstreamAnswer {
    if (streamName === undefined || answer.status !== 200) return answer;
    const encrypted = this.keys.has(streamName);
    if (!this.marks.followsWrites(streamName, encrypted)) return answer;
    const parsed = parseJsonObject(answer.body);
    if (parsed === undefined) return answer;
    const entries = Array.isArray(parsed.Records) ? (parsed.Records as unknown[]) : [parsed];
    const sequenceNumbers = entries.map((entry) =>
      typeof entry === 'object' && entry !== null ? (entry as JsonObject).SequenceNumber : undefined,
    );
    this.marks.written(streamName, sequenceNumbers, encrypted);
    return encrypted ? jsonAnswer(200, { ...parsed, EncryptionType: 'KMS' }, answer.headers) : answer;
  }

  /** Whether records read from `streamName` may need marking. */
  marksRecordsOf(streamName: string): boolean {
    return this.marks.has(streamName);
  }

  /** Marks the records of `streamName` written while its encryption was on. */
  markRead(streamName: string, records: readonly JsonObject[]): void {
    this.marks.mark(streamName, records);
  }
}
