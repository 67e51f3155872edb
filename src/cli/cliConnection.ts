import { InvalidOptionError } from '../errors/InvalidOptionError.js';
import { redactText } from '../errors/redact.js';
import type { KinesisConnectionOptions } from '../kinesis/createKinesisClient.js';
import { isLoopbackEndpoint, resolveKinesisEndpoint } from '../kinesis/kinesisEndpoint.js';
import { isValidRegion } from '../kinesis/validateClientOptions.js';

/** Region a loopback endpoint gets when none is configured. */
export const LOCAL_DEFAULT_REGION = 'us-east-1';
/** Credentials a loopback endpoint gets when none are in the environment; no AWS service accepts them. */
export const LOCAL_ONLY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface CliConnection {
  readonly options: KinesisConnectionOptions;
  /** What was filled in for a local endpoint, to print; undefined when nothing was. */
  readonly notice: string | undefined;
}

/**
 * How a command reaches Kinesis: `--endpoint`, else the standard variables (AWS_ENDPOINT_URL_KINESIS,
 * AWS_ENDPOINT_URL, KINESIS_ENDPOINT), else AWS. A loopback endpoint (a local Kinesis) works
 * without an AWS profile: it gets region us-east-1 unless one is set (--region, AWS_REGION,
 * AWS_DEFAULT_REGION), and local-only credentials unless AWS_ACCESS_KEY_ID is set. A region
 * variable that names no region is refused naming the variable (InvalidOptionError).
 */
export function cliConnection(
  flags: { readonly endpoint?: string; readonly region?: string },
  env: NodeJS.ProcessEnv = process.env,
): CliConnection {
  const endpoint = resolveKinesisEndpoint(flags.endpoint, env);
  const region = flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (endpoint === undefined || !isLoopbackEndpoint(endpoint.url)) {
    return {
      options: {
        ...(endpoint === undefined ? {} : { endpoint: endpoint.value }),
        ...(flags.region === undefined ? {} : { region: flags.region }),
      },
      notice: undefined,
    };
  }
  if (flags.region === undefined && region !== undefined && !isValidRegion(region)) {
    // Passed on as the `region` option: named as the variable it came from, as an endpoint is.
    const variable = nonEmpty(env.AWS_REGION) === undefined ? 'AWS_DEFAULT_REGION' : 'AWS_REGION';
    throw new InvalidOptionError(
      `region (from ${variable})`,
      region,
      'expected an AWS region such as "eu-west-1"',
    );
  }
  const filled: string[] = [];
  if (region === undefined) filled.push(`region ${LOCAL_DEFAULT_REGION} (no region configured)`);
  const useLocalCredentials = nonEmpty(env.AWS_ACCESS_KEY_ID) === undefined;
  if (useLocalCredentials) filled.push('local-only credentials (AWS_ACCESS_KEY_ID is not set)');
  return {
    options: {
      endpoint: endpoint.value,
      region: region ?? LOCAL_DEFAULT_REGION,
      ...(useLocalCredentials ? { credentials: { ...LOCAL_ONLY_CREDENTIALS } } : {}),
    },
    notice:
      filled.length === 0
        ? undefined
        : `Local endpoint ${redactText(endpoint.value)} (from ${endpoint.source === 'endpoint' ? '--endpoint' : endpoint.source}): using ${filled.join(' and ')}.\n`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
