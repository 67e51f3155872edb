/** What to do about a call that found no AWS region, as the library's errors say it. */
export const REGION_ADVICE = "pass the region option (such as region: 'eu-west-1') or set AWS_REGION";

/** What to do about a call that found no AWS credentials, as the library's errors say it. */
export const CREDENTIALS_ADVICE =
  'pass the credentials option, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

const MISSING_REGION = /\bRegion (?:is missing|not accepted)\b/;

/**
 * An SDK failure's message with what to do appended when it comes from missing AWS configuration
 * (no region or an empty or malformed one, no credentials): the SDK's own words ("Region is
 * missing", "Could not load credentials from any providers") leave a first-time user to find out
 * where a region or credentials go. Other messages come back unchanged.
 */
export function withConfigurationAdvice(message: string, name: string | undefined): string {
  const advice =
    name === 'CredentialsProviderError'
      ? CREDENTIALS_ADVICE
      : MISSING_REGION.test(message)
        ? REGION_ADVICE
        : undefined;
  return advice === undefined ? message : `${message.replace(/\.$/, '')}; ${advice}`;
}
