import { StreamNotFoundError } from '../kinesis/errors/StreamNotFoundError.js';

/** Where a first-time user finds a Kinesis to point a command at without any AWS setup. */
const LOCAL = 'or pass --endpoint http://127.0.0.1:4567 for a local Kinesis (rxjs-kinesis local)';

const REGION_HINT = 'pass --region (e.g. eu-west-1) or set AWS_REGION';
const CREDENTIALS_HINT = 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

/** What to do about a stream Kinesis says does not exist (a typo, another region or endpoint). */
function streamHint(streamName: string | undefined): string {
  const name = streamName ?? '<name>';
  return (
    'check its name, --region and --endpoint, or create it ' +
    `(aws kinesis create-stream --stream-name ${name} --shard-count 1)`
  );
}

/**
 * What to do about a failure that comes from missing AWS configuration (no region or an empty or
 * malformed one, no credentials) or a stream that does not exist, to print after its message;
 * undefined for any other failure. Looks through the error's causes, where the library keeps the
 * SDK's own error. `endpointInUse`: the command was pointed at an endpoint (one that is not a
 * loopback one, or it would have filled in region and credentials), so it is not told to pass one.
 */
export function configurationHint(error: unknown, endpointInUse = false): string | undefined {
  const orLocal = (hint: string): string => (endpointInUse ? hint : `${hint}, ${LOCAL}`);
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof StreamNotFoundError) return streamHint(current.context.streamName);
    if (/^Region (?:is missing|not accepted)\b/.test(current.message)) return orLocal(REGION_HINT);
    if (current.name === 'CredentialsProviderError') return orLocal(CREDENTIALS_HINT);
    current = current.cause;
  }
  return undefined;
}
