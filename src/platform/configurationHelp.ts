/**
 * Where a region and credentials come from, as the library's errors tell a user who gave none:
 * on Node, the options or the AWS environment. The browser build replaces this module with
 * configurationHelp.browser.ts (a page has no environment and no credential chain).
 */

/** What to do about a call that found no AWS region. */
export const REGION_ADVICE = "pass the region option (such as region: 'eu-west-1') or set AWS_REGION";

/** What to do about a call that found no AWS credentials. */
export const CREDENTIALS_ADVICE =
  'pass the credentials option, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
