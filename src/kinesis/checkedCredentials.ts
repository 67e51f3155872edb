import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type { KinesisCredentials, KinesisCredentialsProvider } from './createKinesisClient.js';

const STATIC_EXPECTED =
  'expected { accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date }';

function validCredentials(value: Record<string, unknown>): boolean {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = value;
  return (
    typeof accessKeyId === 'string' &&
    typeof secretAccessKey === 'string' &&
    (sessionToken === undefined || typeof sessionToken === 'string') &&
    (expiration === undefined || (expiration instanceof Date && !Number.isNaN(expiration.getTime())))
  );
}

/** A plain copy of a credentials object: its own properties and the four it is read for. */
function copyCredentials(value: object): Record<string, unknown> {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = value as Record<string, unknown>;
  return {
    ...value,
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(expiration === undefined ? {} : { expiration }),
  };
}

/**
 * The `credentials` option checked and, for an object, copied once: a getter or Proxy trap that
 * throws (or answers differently each time) is read here only, and its error becomes the cause
 * of an InvalidOptionError whose message shows neither the value nor the error's text. A provider
 * function is passed through as it is.
 */
export function checkedCredentials(
  credentials: unknown,
): KinesisCredentials | KinesisCredentialsProvider | undefined {
  const expected = `${STATIC_EXPECTED} or a provider function`;
  if (credentials === undefined) return undefined;
  if (typeof credentials === 'function') return credentials as KinesisCredentialsProvider;
  if (typeof credentials !== 'object' || credentials === null) {
    throw new InvalidOptionError('credentials', '[redacted]', expected);
  }
  let copy: Record<string, unknown>;
  try {
    copy = copyCredentials(credentials);
  } catch (error) {
    throw new InvalidOptionError(
      'credentials',
      '[redacted]',
      `reading its properties threw (the error is the cause); ${expected}`,
      { cause: error },
    );
  }
  if (!validCredentials(copy)) {
    throw new InvalidOptionError('credentials', '[redacted]', expected);
  }
  return copy as unknown as KinesisCredentials;
}
