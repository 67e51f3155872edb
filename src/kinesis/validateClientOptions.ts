import { KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import type {
  KinesisConnectionOptions,
  KinesisCredentials,
  KinesisCredentialsProvider,
} from './createKinesisClient.js';
import { checkedCredentials } from './checkedCredentials.js';
import { resolveKinesisEndpoint } from './kinesisEndpoint.js';

/** SDK-level attempts per call: 1, as the library does its own retries. */
export const DEFAULT_MAX_ATTEMPTS = 1;

/** What a client is built from, checked (see validateClientOptions). */
export interface ClientSettings {
  readonly maxAttempts: number;
  readonly region?: string;
  readonly credentials?: KinesisCredentials | KinesisCredentialsProvider;
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
