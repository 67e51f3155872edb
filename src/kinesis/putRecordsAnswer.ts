import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';

/** A successful PutRecords answer: one result per request entry, in order. */
export interface PutRecordsAnswer {
  readonly failedRecordCount: number | undefined;
  readonly records: PutRecordsResultEntry[];
  /** `KMS` or `NONE`, when the answer says. */
  readonly encryptionType: string | undefined;
}

const decoder = new TextDecoder('utf-8');

/**
 * Reads the JSON body of a successful (HTTP 200) PutRecords answer:
 * `{"FailedRecordCount":n,"EncryptionType":"KMS","Records":[{"SequenceNumber":"...","ShardId":"..."} or
 * {"ErrorCode":"...","ErrorMessage":"..."},...]}`. Returns undefined when the body is not JSON
 * of that shape (a field of another type, a result entry that is not an object), so the caller
 * can leave such an answer to the SDK's own reader. Unknown members are ignored, as the SDK does.
 */
export function readPutRecordsAnswer(body: Uint8Array): PutRecordsAnswer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const {
    FailedRecordCount: failed,
    Records: records,
    EncryptionType: encryption,
  } = parsed as Record<string, unknown>;
  if (failed !== undefined && typeof failed !== 'number') return undefined;
  if (!optionalString(encryption)) return undefined;
  if (!Array.isArray(records)) return undefined;
  for (let i = 0; i < records.length; i += 1) {
    const entry: unknown = records[i];
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { SequenceNumber, ShardId, ErrorCode, ErrorMessage } = entry as Record<string, unknown>;
    if (
      !optionalString(SequenceNumber) ||
      !optionalString(ShardId) ||
      !optionalString(ErrorCode) ||
      !optionalString(ErrorMessage)
    ) {
      return undefined;
    }
  }
  return {
    failedRecordCount: failed,
    records: records as PutRecordsResultEntry[],
    encryptionType: encryption as string | undefined,
  };
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
