import { unknownOptionError } from '../errors/unknownOptionError.js';

/** The options of createKinesisClient() (createSubscriptionClient() takes them but `client`). */
const CONNECTION_OPTION_NAMES = [
  'client',
  'region',
  'endpoint',
  'credentials',
  'maxAttempts',
  'connectTimeout',
  'requestTimeout',
] as const;

/**
 * Refuses an option name the connection does not know (`regoin`, `endpiont`): it would be
 * ignored, and the client would run with the default it was meant to replace.
 */
export function checkConnectionOptionNames(options: object, withClient: boolean): void {
  const known: readonly string[] = withClient
    ? CONNECTION_OPTION_NAMES
    : CONNECTION_OPTION_NAMES.filter((name) => name !== 'client');
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw unknownOptionError(name, known);
  }
}
