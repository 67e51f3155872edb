import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { invalidArgument } from './awsErrors.js';
import { parseEncryptionRequest } from './encryptionRequest.js';
import { RecordEncryptionMarks } from './RecordEncryptionMarks.js';
import { notActiveRefusal, UpdatingWindows } from './UpdatingWindows.js';
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
  private readonly updating: UpdatingWindows;
  private readonly marks = new RecordEncryptionMarks();

  constructor(private readonly options: StreamEncryptionOptions) {
    this.updating = new UpdatingWindows(options.statusDelayMs);
  }

  factsOf(streamName: string): EncryptionFacts {
    const keyId = this.keys.get(streamName);
    return keyId === undefined ? { encryptionType: 'NONE' } : { encryptionType: 'KMS', keyId };
  }

  /** Whether the stream is UPDATING after an encryption change. */
  isUpdating(streamName: string): boolean {
    return this.updating.isUpdating(streamName);
  }

  /** Forgets a stream deleted or created anew: its key and the marks of its records. */
  forget(streamName: string): void {
    this.keys.delete(streamName);
    this.updating.forget(streamName);
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
    const refusal = await notActiveRefusal(
      this.options.admin,
      streamName,
      () => this.isUpdating(streamName) || this.options.isBusy(streamName),
    );
    if (refusal !== undefined) return errorAnswer(refusal);
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
    this.updating.start(streamName);
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
