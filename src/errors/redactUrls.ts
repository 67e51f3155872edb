/** URL user info (`user:password@`) redacted from texts and connection strings. */

import { redactAccessKeyIds, redactQuotedCredentials } from './credentialShapes.js';
import { redactArnsIn } from './redactArn.js';
import { unescapedView } from './escapedTextView.js';
import { redactEncodedQueries } from './redactEncodedQueries.js';
import { redactNamedValues } from './redactNamedValues.js';
import { redactSecurityTokenHeaders } from './redactSecurityTokenHeaders.js';
import { decodeComponent, hideSpacedQueryValues, redactQuery, URL_SECRET } from './redactQueryValues.js';
import { hasCredentialPart, isSlashedUserInfo } from './slashedUserInfo.js';
import { REDACTED } from './secretNames.js';

/** A user name that reads like an account (`default`, `app-reader`), not like a token or key id. */
function isPlainUserName(user: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,15}$/.test(user)) return false;
  return (user.match(/[0-9]/g)?.length ?? 0) <= 3;
}

/** The user info `user:password` (or `token`) as it may be shown. */
function redactUserInfo(userInfo: string): string {
  const colon = userInfo.indexOf(':');
  if (colon === -1) return URL_SECRET;
  const user = userInfo.slice(0, colon);
  if (user === '') return `:${URL_SECRET}`;
  return isPlainUserName(decodeComponent(user)) ? `${user}:${URL_SECRET}` : URL_SECRET;
}

/** `//user:pass@` anywhere: in URLs, and in mistyped ones such as `redis//:pass@host`. */
const AUTHORITY_WITH_USER_INFO = /\/\/([^\s/?#]*)@/g;
/**
 * `scheme:user:pass@` or `scheme:/user:pass@` (a URL missing a slash), or a bare `user:pass@`
 * (which reads the same): a word that starts a token, a colon, at most one slash.
 */
const SCHEME_WITH_USER_INFO = /(?<![\w+.\-/:@])([a-z][a-z0-9+.-]*):(\/?)([^\s/?#]*)@/gi;

/**
 * Redacts the user info of every URL in a text: `redis://app:hunter2@db:6379` becomes
 * `redis://app:***@db:6379`, `https://AKIA...:x@host` becomes `https://***@host`. Host and port
 * stay, so the message still says where. Applying it twice changes nothing more.
 *
 * The values of a URL's secret-named query parameters (`?password=`) are redacted too, and so is
 * a quoted value that reads as an AWS credential (see redactQuotedCredentials), and any part of
 * an ARN that does (see redactArnCredentials: a stream ARN given with a token glued on), and the
 * session token AWS echoes in its answer to a signature it cannot match (redactSecurityTokenHeaders),
 * and the secret query values of a URL escaped inside another one (redactEncodedQueries), and
 * the value written after a secret-looking name in free text (redactNamedValues), and an access
 * key id written as a word anywhere (redactAccessKeyIds). A text
 * whose JSON or HTML escapes (`\/`, `\u002F`, `&#x2F;`) hide such a secret's characters is
 * redacted, and shown, with them undone (see unescapedView).
 *
 * A URL's user info holds no whitespace, so each whitespace-delimited word holding an `@` is
 * redacted on its own, and a word longer than LONG_WORD is replaced whole: the patterns try every
 * word start that reads like a scheme, so one long word of them (a hostile or garbled message)
 * took time quadratic in its length.
 */
export function redactText(text: string): string {
  // A text whose JSON or HTML escapes hide a secret's characters (see unescapedView) is shown
  // with them undone when that hides anything: a secret is never shown in part.
  const view = unescapedView(text);
  if (view !== undefined) {
    const redacted = redactPlainText(view);
    if (redacted !== view) return redacted;
  }
  return redactPlainText(text);
}

function redactPlainText(text: string): string {
  const tokens = redactSecurityTokenHeaders(text, REDACTED);
  const urls = redactEncodedQueries(
    redactUserInfoIn(redactQuotedCredentials(redactArnsIn(tokens, REDACTED), REDACTED)),
  );
  // An access key id left in prose, where no name says what it is.
  return redactAccessKeyIds(redactNamedValues(urls, REDACTED), REDACTED);
}

/**
 * A query's parameter in a word without a scheme: a request target (`GET /x?token=…`), a relative
 * link (`x?password=…`) or a form body (`a=1&password=…`), which redactNamedValues leaves to this.
 */
const RELATIVE_QUERY = /[?&][^=&;#?\s]*=/;

function redactUserInfoIn(plain: string): string {
  const query = plain.includes('=') && (plain.includes('://') || RELATIVE_QUERY.test(plain));
  if (!query && !plain.includes('@')) return plain;
  const text = query ? hideSpacedQueryValues(plain) : plain;
  return text.replace(WORD, (word) => {
    let shown = word;
    if (word.includes('@')) {
      if (word.length > LONG_WORD) return LONG_WORD_REDACTED;
      shown = redactWord(word);
    }
    // A URL's secret query parameters (`redis://db:6379?password=...`), as in connection strings,
    // and a query's without a scheme.
    if (!query || !shown.includes('=')) return shown;
    if (shown.includes('://')) return redactQuotedQuery(shown, false);
    return RELATIVE_QUERY.test(shown) ? redactQuotedQuery(shown, true) : shown;
  });
}

/** The closing character of a word's opening quote or bracket. */
const CLOSERS: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '`': '`',
  '(': ')',
  '[': ']',
  '<': '>',
};

/**
 * redactQuery() of a word of a text: a word that opens with a quote or bracket (`"redis://db?
 * password=x";`) keeps its last closing one and what follows it, which a value running to the end
 * of the word would have taken with it.
 */
function redactQuotedQuery(word: string, keepHidden: boolean): string {
  const closer = CLOSERS[word.charAt(0)];
  const end = closer === undefined ? -1 : word.lastIndexOf(closer);
  if (end <= 0) return redactQuery(word, keepHidden);
  return redactQuery(word.slice(0, end), keepHidden) + word.slice(end);
}

/** A run of non-whitespace (matched in one pass over the text). */
const WORD = /\S+/g;
/** Longer words holding an `@` are not searched for user info but replaced whole. */
const LONG_WORD = 2048;
const LONG_WORD_REDACTED = '[redacted: a long word with an @]';

/**
 * `//user:secret@` where the secret holds a `/`, `?` or `#` as it is, not escaped (a secret access
 * key pasted into a URL by hand, a password such as `pa/ss` or `p#ss`): such a URL does not
 * parse, and the patterns below end the user info at its first `/`, `?` or `#`, so the secret was
 * shown. Taken as user info when a part of it (split at its colons, escaped or not: `user:key`,
 * `key` alone, `id:key:token`) reads as an AWS credential, or when what stands before its first
 * `/`, `?` or `#` is `user:secret` with a secret that is no port (`host:8080/a@b` is a path).
 */
const USER_INFO_WITH_SLASHES = /\/\/([^\s@]+)@/g;
function redactWord(word: string): string {
  return word
    .replace(USER_INFO_WITH_SLASHES, (match, userInfo: string) =>
      /[/?#]/.test(userInfo) && isSlashedUserInfo(userInfo) ? `//${redactSlashedUserInfo(userInfo)}@` : match,
    )
    .replace(AUTHORITY_WITH_USER_INFO, (_match, userInfo: string) =>
      userInfo === '' ? '//@' : `//${redactUserInfo(userInfo)}@`,
    )
    .replace(SCHEME_WITH_USER_INFO, (match, scheme: string, slash: string, userInfo: string) => {
      if (slash !== '') return userInfo === '' ? match : `${scheme}:/${redactUserInfo(userInfo)}@`;
      return `${redactUserInfo(`${scheme}:${userInfo}`)}@`;
    });
}

/**
 * Slashed user info as shown: hidden whole when a part reads as a credential, else a plain user
 * name before its first colon stays.
 */
function redactSlashedUserInfo(userInfo: string): string {
  if (hasCredentialPart(userInfo)) return URL_SECRET;
  const colon = userInfo.indexOf(':');
  if (colon === 0) return `:${URL_SECRET}`;
  return colon > 0 && isPlainUserName(userInfo.slice(0, colon))
    ? `${userInfo.slice(0, colon)}:${URL_SECRET}`
    : URL_SECRET;
}

/**
 * A connection string (URL, endpoint) as it may be shown, even when it does not parse: everything
 * before the last `@` other than the scheme and a plain user name is replaced.
 */
export function redactConnectionString(value: string): string {
  const at = value.lastIndexOf('@');
  if (at === -1) return redactQuery(redactText(value));
  const scheme = /^[a-z][a-z0-9+.-]*:\/*/i.exec(value)?.[0] ?? '';
  const userInfo = value.slice(scheme.length, at).replace(/^\/+/, '');
  return redactQuery(`${scheme}${redactUserInfo(userInfo)}${redactText(value.slice(at))}`);
}
