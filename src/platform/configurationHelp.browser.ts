/**
 * The browser build's stand-in for configurationHelp.ts: a page has no environment variables, no
 * profile and no credential chain, so the options are the only place for a region and credentials.
 */

/** What to do about a call that found no AWS region. */
export const REGION_ADVICE = "pass the region option (such as region: 'eu-west-1')";

/** What to do about a call that found no AWS credentials. */
export const CREDENTIALS_ADVICE =
  'pass the credentials option: a provider of temporary credentials such as fromCognitoIdentityPool() ' +
  '(a browser has no AWS credential chain), or a client';
