/**
 * The Kinesis endpoint a client talks to, for messages: the configured URL without user info
 * (never a password), else the region's AWS endpoint.
 */
export function describeEndpoint(endpoint: string | undefined, region: string | undefined): string {
  if (endpoint !== undefined) {
    try {
      const url = new URL(endpoint);
      url.username = '';
      url.password = '';
      return url.toString();
    } catch {
      return 'the configured endpoint';
    }
  }
  return region === undefined ? 'the default AWS endpoint' : `the AWS endpoint of ${region}`;
}
