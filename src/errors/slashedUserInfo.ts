import { looksLikeCredential } from './credentialShapes.js';

/** Where user info splits into parts: a colon, escaped or not. */
const USER_INFO_PARTS = /:|%(?:25)*3A/i;

/**
 * Whether `userInfo`, the text between a URL's `//` and an `@` that holds a `/` (raw or escaped),
 * `?` or `#`, is user info rather than a host and a path, query or fragment holding an `@`: a part of it (split at its colons,
 * escaped or not: `user:key`, `key` alone, `id:key:token`) reads as an AWS credential, or what
 * stands before its first `/` is `user:secret` with a secret that is no port (`app:pa/ss` is user
 * info, `host:8080/a` a host and a path; an IPv6 host `[::1]` neither).
 */
export function isSlashedUserInfo(userInfo: string): boolean {
  return hasCredentialPart(userInfo) || hasPasswordBeforeSlash(userInfo);
}

/** Whether a part of user info (split at its colons, escaped or not) reads as an AWS credential. */
export function hasCredentialPart(userInfo: string): boolean {
  return userInfo.length >= 20 && userInfo.split(USER_INFO_PARTS).some((part) => looksLikeCredential(part));
}

/**
 * Whether what stands before the first `/`, `?` or `#` of a text reads as `user:secret`, not
 * `host:port` (followed by a path, a query or a fragment).
 */
function hasPasswordBeforeSlash(userInfo: string): boolean {
  const slash = /[/?#]|%(?:25)*2F/i.exec(userInfo);
  if (slash === null) return false;
  const authority = userInfo.slice(0, slash.index);
  const colon = USER_INFO_PARTS.exec(authority);
  if (colon === null || authority.startsWith('[')) return false;
  const secret = authority.slice(colon.index + colon[0].length);
  return secret !== '' && !/^[0-9]+$/.test(secret);
}
