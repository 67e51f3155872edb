import { invalidArgument, type AwsErrorAnswer } from './awsErrors.js';
import { STREAM_NAME, stringMemberViolations, validationOf, violation } from './modelValidation.js';
import type { JsonObject } from './UpstreamAnswer.js';
import { NO_STREAM_NAMED } from './missingStreamName.js';

/** The encryption types of the API model (StartStreamEncryption takes KMS only). */
const ENCRYPTION_TYPES = ['NONE', 'KMS'] as const;
/** KeyId: 1 to 2,048 characters. */
const KEY_ID = { min: 1, max: 2048 } as const;

/** A StartStreamEncryption or StopStreamEncryption request, checked against the model. */
export interface EncryptionRequest {
  readonly streamName: string;
  readonly encryptionType: (typeof ENCRYPTION_TYPES)[number];
  readonly keyId: string;
}

/**
 * Reads a StartStreamEncryption or StopStreamEncryption request (StreamName already resolved
 * from a StreamARN): every member the model refuses in one ValidationException (StreamName's
 * pattern and length, EncryptionType missing or not NONE/KMS, KeyId missing or not 1 to 2,048
 * characters); then a request naming no stream.
 */
export function parseEncryptionRequest(payload: JsonObject): EncryptionRequest | AwsErrorAnswer {
  const { StreamName: streamName, EncryptionType: type, KeyId: keyId } = payload;
  const broken = stringMemberViolations('streamName', streamName, STREAM_NAME);
  if (type === undefined || type === null) {
    broken.push(violation(null, 'encryptionType', 'Member must not be null'));
  } else if (!ENCRYPTION_TYPES.includes(type as (typeof ENCRYPTION_TYPES)[number])) {
    broken.push(
      violation(
        String(type),
        'encryptionType',
        `Member must satisfy enum value set: [${ENCRYPTION_TYPES.join(', ')}]`,
      ),
    );
  }
  if (keyId === undefined || keyId === null) {
    broken.push(violation(null, 'keyId', 'Member must not be null'));
  } else {
    broken.push(...stringMemberViolations('keyId', keyId, KEY_ID));
  }
  if (broken.length > 0) return validationOf(broken);
  if (typeof streamName !== 'string') {
    return invalidArgument(NO_STREAM_NAMED);
  }
  return {
    streamName,
    encryptionType: type as EncryptionRequest['encryptionType'],
    keyId: keyId as string,
  };
}
