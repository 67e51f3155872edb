/** Which option and property names say their value is a secret, and what stands in for one. */

/** What stands in for a secret value. */
export const REDACTED = '[redacted]';

/** Words that make an option or property name secret on their own. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'authentication',
  'cookie',
  'cookies',
  'signature',
  'apikey',
  'privatekey',
  'accesskey',
  'pfx',
]);

/** Fragments that make a name secret wherever they appear in it (e.g. `dbPassword`, `xAuthToken`). */
const SECRET_FRAGMENTS = [
  'password',
  'passwd',
  'secret',
  'token',
  'credential',
  'apikey',
  'privatekey',
  'auth',
];

/** `key` is secret, except next to these words (`partitionKey`, `explicitHashKey`, `keyPrefix`). */
const NON_SECRET_KEY_NEIGHBOURS = new Set([
  'partition',
  'hash',
  'prefix',
  'sort',
  'primary',
  'shard',
  'name',
]);

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Whether an option or property name says its value is a secret: it holds a word such as
 * password, secret, token, key, credential or auth (`password`, `secretAccessKey`, `authToken`,
 * `credential`, `apiKey`). `partitionKey`, `explicitHashKey` and `keyPrefix` are not secret.
 */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  const joined = words.join('');
  if (SECRET_FRAGMENTS.some((fragment) => joined.includes(fragment))) return true;
  const keyIndex = words.findIndex((word) => word === 'key' || word === 'keys');
  if (keyIndex === -1) return false;
  return !words.some((word, index) => index !== keyIndex && NON_SECRET_KEY_NEIGHBOURS.has(word));
}

/** Names of pagination tokens, which are no secrets (`Invalid NextToken: …`, `?nextToken=…`). */
const PAGINATION_TOKEN = /^(?:next|continuation|pagination|page)[_-]?token$/i;

/** Whether `name` is a pagination token's (`NextToken`, `continuation-token`, `pageToken`). */
export function isPaginationTokenName(name: string): boolean {
  return PAGINATION_TOKEN.test(name);
}

/**
 * Whether a URL query's parameter name says its value is a secret (see isSecretName), but for a
 * pagination token's (`?nextToken=…`, `&continuation-token=…`): an opaque place in a listing.
 */
export function isSecretQueryName(name: string): boolean {
  return !isPaginationTokenName(name) && isSecretName(name);
}
