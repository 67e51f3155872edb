import { splitSecret } from './secretEnd.js';
import { isSecretQueryName } from './secretNames.js';
import { isSlashedUserInfo } from './slashedUserInfo.js';

/** What stands in for a secret query value (as in a plain URL's, see redactUrls). */
const URL_SECRET = '***';

/**
 * A URL escaped once or more (`https%3A%2F%2F`, `https%253A%252F%252F`: a URL inside a URL), or
 * only in part (`https%3A//`, `https:%2F%2F`, as some encoders and hand-made links write it): its
 * `://` with at least one of the three characters escaped. Each `%(?:25)*` takes a run that ends
 * at the next `%`, so a search is linear in the text.
 */
const ESCAPED_URL =
  /(?:%(?:25)*3A(?:%(?:25)*2F|\/)(?:%(?:25)*2F|\/)|:(?:%(?:25)*2F(?:%(?:25)*2F|\/)|\/%(?:25)*2F))/i;
const ESCAPED_AUTHORITY = new RegExp(ESCAPED_URL.source, 'gi');
/**
 * An escaped query without a scheme (a relative redirect target `%2Fcb%3Ftoken%3D…`, a form body
 * escaped whole `a%3D1%26password%3D…`): an escaped `?` or `&`, a name, an escaped `=`. Each
 * `%(?:25)*` and each name ends at the next `%`, so a search is linear in the text.
 */
const ESCAPED_QUERY = /%(?:25)*(?:3F|26)[A-Za-z0-9._~-]+%(?:25)*3D/i;
/**
 * Where an escaped URL's authority ends (`/`, `?`, `#`, escaped or not, or whitespace), or where
 * its user info does (`@`, escaped or not).
 */
const AUTHORITY_END = /[/?#@\s]|%(?:25)*(?:2F|3F|23|40)/gi;

/**
 * Where a parameter of an escaped URL's query starts: its separator (`?`, `&` or `;`, escaped or
 * not), its name and its escaped `=` (`%3D`, `%253D`…).
 */
const ESCAPED_PARAMETER = /(?:[?&;]|%(?:25)*(?:3F|26|3B))([A-Za-z0-9._~-]+)%(?:25)*3D/gi;
/** Where such a parameter's value ends: a `&`, `#` or `;`, escaped or not, or a quote. */
const ESCAPED_VALUE_END = /[&#;'"`]|%(?:25)*(?:26|23|3B)/gi;

/**
 * The values of the secret-named query parameters of every URL escaped inside a text (a
 * redirect's `?next=https%3A%2F%2F…%3FX-Amz-Security-Token%3D…`, escaped once more when that URL
 * went into another one) replaced, as those of a plain URL are: `X-Amz-Credential`,
 * `X-Amz-Signature`, `X-Amz-Security-Token`, `password`. The text is searched word by word (a
 * URL holds no whitespace), only words holding an escaped `://`; other escapes (a path's `%20`,
 * `%252F`) stay as they are. The user info of such a URL (`https%3A%2F%2Fuser%3Apass%40host`)
 * is replaced too. So are the secret values of an escaped query without a scheme (see
 * ESCAPED_QUERY).
 */
export function redactEncodedQueries(text: string): string {
  const urls = ESCAPED_URL.test(text);
  if (!urls && !ESCAPED_QUERY.test(text)) return text;
  return text.replace(/\S+/g, (word) => {
    if (urls && ESCAPED_URL.test(word)) return redactQueries(redactUserInfo(word));
    return ESCAPED_QUERY.test(word) ? redactQueries(word) : word;
  });
}

/**
 * The user info of every escaped URL of a word (`https%3A%2F%2Fapp%3Apass%40host`) replaced
 * whole: what lies between its escaped `//` and an `@` (escaped or not) met before the end of
 * its authority, or met after a `/` (raw or escaped) when what lies before it reads as user info
 * (see isSlashedUserInfo: a key or a password holding a `/`). Each authority is scanned once, up
 * to its end; the search for an `@` past a `/` stops at the next escaped URL, and where it ends
 * is kept for the next authority: linear in the word.
 */
function redactUserInfo(word: string): string {
  const authorities = [...word.matchAll(ESCAPED_AUTHORITY)];
  let shown = '';
  let from = 0;
  let userInfoEnd: RegExpExecArray | null | undefined;
  for (const [at, match] of authorities.entries()) {
    const start = match.index + match[0].length;
    if (start <= from) continue;
    AUTHORITY_END.lastIndex = start;
    const end = AUTHORITY_END.exec(word);
    if (end === null) break;
    let endIndex = end.index;
    if (!isAt(end[0])) {
      if (!isSlash(end[0])) continue;
      if (userInfoEnd === undefined || (userInfoEnd !== null && userInfoEnd.index < start)) {
        USER_INFO_END.lastIndex = start;
        userInfoEnd = USER_INFO_END.exec(word);
      }
      const next = authorities[at + 1]?.index ?? word.length;
      if (userInfoEnd === null || !isAt(userInfoEnd[0]) || userInfoEnd.index > next) continue;
      if (!isSlashedUserInfo(word.slice(start, userInfoEnd.index))) continue;
      endIndex = userInfoEnd.index;
    }
    shown += `${word.slice(from, start)}${URL_SECRET}`;
    from = endIndex;
  }
  return shown + word.slice(from);
}

/** Where user info that holds a `/` ends: an `@`, or the end of an authority but for a `/`. */
const USER_INFO_END = /[?#@\s]|%(?:25)*(?:3F|23|40)/gi;

function isAt(text: string): boolean {
  return text === '@' || /40$/.test(text);
}

function isSlash(text: string): boolean {
  return text === '/' || /2F$/i.test(text);
}

function redactQueries(word: string): string {
  let shown = '';
  let from = 0;
  for (const match of word.matchAll(ESCAPED_PARAMETER)) {
    if (match.index < from || !isSecretQueryName(match[1] ?? '')) continue;
    const start = match.index + match[0].length;
    // The value ends at a separator escaped no more often than its `=` (or not at all): one
    // escaped once more is in the value (a password holding `&` is `%2526` in a URL escaped once).
    const depth = escapeDepth(match[0].slice(match[0].lastIndexOf('%')));
    ESCAPED_VALUE_END.lastIndex = start;
    let end = ESCAPED_VALUE_END.exec(word);
    while (end !== null && escapeDepth(end[0]) > depth) end = ESCAPED_VALUE_END.exec(word);
    const valueEnd = end === null ? word.length : end.index;
    // The text's punctuation after a value of a known shape (see splitSecret) is shown.
    const [, after] = splitSecret(word.slice(start, valueEnd), match[1] ?? '');
    shown += `${word.slice(from, start)}${URL_SECRET}${after}`;
    from = valueEnd;
  }
  return shown + word.slice(from);
}

/** How often a character was escaped: `&` 0, `%26` 1, `%2526` 2… */
function escapeDepth(text: string): number {
  return text.startsWith('%') ? (text.length - 1) / 2 : 0;
}
