/** Where a first-time user finds a local Kinesis to point a command at. */
const LOCAL = 'for a local Kinesis, pass --endpoint http://127.0.0.1:4567 (see rxjs-kinesis local --help)';

const REGION_HINT = `no AWS region is configured: pass --region (e.g. eu-west-1) or set AWS_REGION; ${LOCAL}`;
const CREDENTIALS_HINT =
  `no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ` + LOCAL;

/**
 * What to do about a failure that comes from missing AWS configuration (no region, no
 * credentials), to print under its message; undefined for any other failure. Looks through the
 * error's causes, where the library keeps the SDK's own error.
 */
export function configurationHint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current.message === 'Region is missing') return REGION_HINT;
    if (current.name === 'CredentialsProviderError') return CREDENTIALS_HINT;
    current = current.cause;
  }
  return undefined;
}
