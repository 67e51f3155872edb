import { redactConnectionString } from '../errors/redact.js';

/**
 * The Kinesis endpoint a client talks to, for messages: the configured URL without user info
 * (never a password) and with its secret query values hidden (`?token=***`), else (for a client the library built) the region's AWS endpoint. Of a
 * client the caller gave (`callerClient`), nothing more is known than that.
 */
export function describeEndpoint(
  endpoint: string | undefined,
  region: string | undefined,
  callerClient = false,
): string {
  if (endpoint !== undefined) {
    try {
      const url = new URL(endpoint);
      url.username = '';
      url.password = '';
      // Hidden here, on the URL alone: hidden in the message it goes into, a value would run on
      // to the end of its word and take the text's `:` after it (`…?token=***: connect …`).
      return redactConnectionString(url.toString());
    } catch {
      return 'the configured endpoint';
    }
  }
  if (callerClient) return 'the endpoint of the client given';
  return region === undefined ? 'the default AWS endpoint' : `the AWS endpoint of ${region}`;
}
