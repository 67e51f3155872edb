import { isSecretName } from './secretNames.js';

/** What stands in for a secret query value (as in a plain URL's, see redactUrls). */
const URL_SECRET = '***';

/** A URL escaped once or more (`https%3A%2F%2F`, `https%253A%252F%252F`): a URL inside a URL. */
const ESCAPED_URL = /%(?:25)*3A%(?:25)*2F%(?:25)*2F/i;
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
 * `%252F`) stay as they are.
 */
export function redactEncodedQueries(text: string): string {
  if (!ESCAPED_URL.test(text)) return text;
  return text.replace(/\S+/g, (word) => (ESCAPED_URL.test(word) ? redactWord(word) : word));
}

function redactWord(word: string): string {
  let shown = '';
  let from = 0;
  for (const match of word.matchAll(ESCAPED_PARAMETER)) {
    if (match.index < from || !isSecretName(match[1] ?? '')) continue;
    const start = match.index + match[0].length;
    // The value ends at a separator escaped no more often than its `=` (or not at all): one
    // escaped once more is in the value (a password holding `&` is `%2526` in a URL escaped once).
    const depth = escapeDepth(match[0].slice(match[0].lastIndexOf('%')));
    ESCAPED_VALUE_END.lastIndex = start;
    let end = ESCAPED_VALUE_END.exec(word);
    while (end !== null && escapeDepth(end[0]) > depth) end = ESCAPED_VALUE_END.exec(word);
    shown += `${word.slice(from, start)}${URL_SECRET}`;
    from = end === null ? word.length : end.index;
  }
  return shown + word.slice(from);
}

/** How often a character was escaped: `&` 0, `%26` 1, `%2526` 2… */
function escapeDepth(text: string): number {
  return text.startsWith('%') ? (text.length - 1) / 2 : 0;
}
