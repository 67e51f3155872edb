import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { environmentVariables } from '../platform/environment.js';

/** Where an endpoint came from: the `endpoint` option or one of the environment variables. */
export type KinesisEndpointSource =
  'endpoint' | 'AWS_ENDPOINT_URL_KINESIS' | 'AWS_ENDPOINT_URL' | 'KINESIS_ENDPOINT';

export interface KinesisEndpoint {
  /** The endpoint as given. */
  readonly value: string;
  readonly url: URL;
  readonly source: KinesisEndpointSource;
}

const ENV_ORDER = ['AWS_ENDPOINT_URL_KINESIS', 'AWS_ENDPOINT_URL', 'KINESIS_ENDPOINT'] as const;

/**
 * The endpoint a client should use: the `endpoint` option if given; else, as the AWS SDKs do,
 * `AWS_ENDPOINT_URL_KINESIS`, then `AWS_ENDPOINT_URL` (both skipped when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`); else `KINESIS_ENDPOINT` (what `rxjs-kinesis local`
 * prints). Empty values are ignored. `undefined`: the SDK's default AWS endpoint.
 * Throws InvalidOptionError, naming the option or variable, for a value that is not an http(s) URL.
 */
export function resolveKinesisEndpoint(
  endpoint: string | undefined,
  env: Readonly<Record<string, string | undefined>> = environmentVariables(),
): KinesisEndpoint | undefined {
  if (endpoint !== undefined)
    return { value: endpoint, url: parseEndpoint(endpoint, 'endpoint'), source: 'endpoint' };
  const ignoreAwsVariables = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true';
  for (const name of ENV_ORDER) {
    if (ignoreAwsVariables && name !== 'KINESIS_ENDPOINT') continue;
    const value = env[name];
    const trimmed = value?.trim() ?? '';
    if (trimmed !== '') return { value: trimmed, url: parseEndpoint(trimmed, name), source: name };
  }
  return undefined;
}

function parseEndpoint(value: unknown, source: KinesisEndpointSource): URL {
  const option = source === 'endpoint' ? 'endpoint' : `endpoint (from ${source})`;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch (error) {
    throw Object.assign(
      new InvalidOptionError(option, value, 'expected an absolute http:// or https:// URL'),
      {
        cause: error,
      },
    );
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidOptionError(option, value, 'expected an absolute http:// or https:// URL');
  }
  return url;
}

/** Whether `url` points at this machine (localhost, 127.0.0.0/8 or ::1). */
export function isLoopbackEndpoint(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}
