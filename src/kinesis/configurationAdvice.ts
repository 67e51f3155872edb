import { CREDENTIALS_ADVICE, REGION_ADVICE } from '../platform/configurationHelp.js';

export { CREDENTIALS_ADVICE, REGION_ADVICE };
const MISSING_REGION = /\bRegion (?:is missing|not accepted)\b/;
/** What the SDK's browser build rejects with when a client has no credentials (it has no chain). */
const MISSING_CREDENTIALS = /\bCredential is missing\b/;

/**
 * An SDK failure's message with what to do appended when it comes from missing AWS configuration
 * (no region or an empty or malformed one, no credentials): the SDK's own words ("Region is
 * missing", "Could not load credentials from any providers", "Credential is missing") leave a
 * first-time user to find out where a region or credentials go. Other messages come back
 * unchanged. The advice is the platform's (configurationHelp.ts): a browser has no environment.
 */
export function withConfigurationAdvice(message: string, name: string | undefined): string {
  const advice =
    name === 'CredentialsProviderError' || MISSING_CREDENTIALS.test(message)
      ? CREDENTIALS_ADVICE
      : MISSING_REGION.test(message)
        ? REGION_ADVICE
        : undefined;
  return advice === undefined ? message : `${message.replace(/\.$/, '')}; ${advice}`;
}
