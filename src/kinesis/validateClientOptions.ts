import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type {
  KinesisConnectionOptions,
  KinesisCredentials,
  KinesisCredentialsProvider,
} from './createKinesisClient.js';
import { resolveKinesisEndpoint } from './kinesisEndpoint.js';

/** SDK-level attempts per call: 1, as the library does its own retries. */
export const DEFAULT_MAX_ATTEMPTS = 1;

/** What a client is built from, checked (see validateClientOptions). */
export interface ClientSettings {
  readonly maxAttempts: number;
  readonly region?: string;
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider;
}

const CREDENTIALS_EXPECTED =
  'expected { accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date } or a provider function';

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
 * of an InvalidOptionError whose message shows neither the value nor the error's text.
 */
function checkedCredentials(
  credentials: unknown,
): KinesisCredentials | KinesisCredentialsProvider | undefined {
  if (credentials === undefined || typeof credentials === 'function') {
    return credentials as KinesisCredentialsProvider | undefined;
  }
  if (typeof credentials !== 'object' || credentials === null) {
    throw new InvalidOptionError('credentials', '[redacted]', CREDENTIALS_EXPECTED);
  }
  let copy: Record<string, unknown>;
  try {
    copy = copyCredentials(credentials);
  } catch (error) {
    throw new InvalidOptionError(
      'credentials',
      '[redacted]',
      `reading its properties threw (the error is the cause); ${CREDENTIALS_EXPECTED}`,
      { cause: error },
    );
  }
  if (!validCredentials(copy)) {
    throw new InvalidOptionError('credentials', '[redacted]', CREDENTIALS_EXPECTED);
  }
  return copy as unknown as KinesisCredentials;
}

/** Whether `region` may name an AWS region (the form only: `eu-west-1`, not whether it exists). */
export function isValidRegion(region: unknown): region is string {
  return typeof region === 'string' && /^[a-z0-9-]{1,64}$/.test(region);
}

/**
 * Checks `client`, or else `maxAttempts`, `region`, `credentials` (never showing their values)
 * and an `endpoint` given as an option, throwing InvalidOptionError; returns the settings a client is built with.
 * Run when a producer is made (toKinesis() called, a Producer constructed), before any I/O, and
 * again when a client is built.
 */
export function validateClientOptions(options: KinesisConnectionOptions): ClientSettings {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'expected an object of connection options');
  }
  if (options.client !== undefined) {
    if (
      !(options.client instanceof KinesisClient) &&
      typeof (options.client as { send?: unknown }).send !== 'function'
    ) {
      throw new InvalidOptionError(
        'client',
        options.client,
        'expected a KinesisClient from @aws-sdk/client-kinesis',
      );
    }
    return { maxAttempts: DEFAULT_MAX_ATTEMPTS };
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidOptionError('maxAttempts', maxAttempts, 'expected an integer >= 1 (1: no SDK retries)');
  }
  const { region, credentials } = options;
  if (region !== undefined && !isValidRegion(region)) {
    throw new InvalidOptionError('region', region, 'expected an AWS region such as "eu-west-1"');
  }
  const checked = checkedCredentials(credentials);
  if (options.endpoint !== undefined) resolveKinesisEndpoint(options.endpoint);
  return {
    maxAttempts,
    ...(region === undefined ? {} : { region }),
    ...(checked === undefined ? {} : { credentials: checked }),
  };
}
