/**
 * Names that can only mean a secret: what follows them in a text is hidden whatever it looks
 * like. A name such as `token`, `key`, `auth` or `credential` alone is ambiguous (`Token:
 * expired`, `credentials: none given`) and is not one of them.
 */

/** How an unambiguous name ends, its words joined in lower case (`client_secret`, `X-Api-Key`). */
const SECRET_ENDINGS = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secretkey',
  'secretaccesskey',
  'sessiontoken',
  'securitytoken',
  'accesstoken',
  'refreshtoken',
  'authtoken',
  'bearertoken',
  'apikey',
  'privatekey',
  'authorization',
];

/**
 * Whether `name` ends with a secret's unambiguous name (`Password`, `DB_PASSWORD`, `clientSecret`,
 * `aws_secret_access_key`, `aws_session_token`, `x-api-key`, `Authorization`). A name that goes
 * on past it (`PasswordPolicy`, `SecretId`) names something else.
 */
export function isUnambiguousSecretName(name: string): boolean {
  const joined = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_ENDINGS.some((ending) => joined.endsWith(ending));
}

/** Whether `name` is an Authorization header's, whose value is a scheme and then the secret. */
export function isAuthorizationName(name: string): boolean {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .endsWith('authorization');
}
