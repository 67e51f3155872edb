/** The values of a URL query's secret-named parameters, in URLs and in queries without a scheme. */

import { splitSecret } from './secretEnd.js';
import { isSecretQueryName } from './secretNames.js';
import { isAuthorizationName } from './unambiguousSecretNames.js';

/** What stands in for a secret query value (as for a URL's user info, see redactUrls). */
export const URL_SECRET = '***';

/** A URL component decoded, or as it is when it does not decode. */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A query parameter's value in quotes that holds a blank (`?password="my pass"`): each word is
 * redacted on its own, so the words after the first were shown. A value ends at the next quote
 * of its kind (or the line's end, then it is no such value), so a search is linear in the text.
 * A quote escaped in it (`"a b\" c"`) is the value's own; a value quoted with escaped quotes
 * (`\"a b\"`, inside a JSON string) ends at the next escaped one.
 */
const QUOTED_QUERY_VALUE =
  /[?&;]([^=&;#?\s"'`]{1,256})=(\\?)(["'`])((?:(?!\2\3)(?:\\[^\n]|[^\n\\])){0,4096}?)\2\3/g;

/**
 * A query parameter's value that is a scheme and then a credential, as an Authorization header's
 * (`?auth=Bearer abc…`): the words are redacted one by one, so the credential after the blank was
 * shown. The scheme is Bearer or Basic after any secret name, any word after an Authorization
 * one (`?authorization=Token abc…`); the credential is a run of token68's characters (`A-Z`,
 * `a-z`, digits, `-._~+/`, escaped or not, then `=` padding), so the punctuation after it shows. Each
 * start takes at most 256 + 32 characters and its own blanks: linear in the text.
 */
const SCHEMED_QUERY_VALUE = /[?&;]([^=&;#?\s"'`]{1,256})=([A-Za-z][\w-]{0,31})[ \t]+[\w.~+/%-]/g;
/** The rest of a scheme's credential (token68's characters, escaped or not, then its padding). */
const CREDENTIAL_REST = /[\w.~+/%-]*=*/y;
const KNOWN_SCHEME = /^(?:bearer|basic)$/i;

/**
 * A text with the secret query values that span blanks hidden whole: a quoted one
 * (`?password="my pass"`) and a scheme with its credential (`?auth=Bearer abc`), both shown as
 * `***`. The word-by-word pass (redactQuery) leaves a value hidden already as it is.
 */
export function hideSpacedQueryValues(text: string): string {
  const quoted = text.replace(
    QUOTED_QUERY_VALUE,
    (match, name: string, escape: string, _quote: string, value: string) =>
      /\s/.test(value) && isSecretQueryName(decodeComponent(name))
        ? `${match.slice(0, match.length - value.length - 2 * (escape.length + 1))}${URL_SECRET}`
        : match,
  );
  if (!/[ \t]/.test(quoted)) return quoted;
  let shown = '';
  let from = 0;
  SCHEMED_QUERY_VALUE.lastIndex = 0;
  for (
    let found = SCHEMED_QUERY_VALUE.exec(quoted);
    found !== null;
    found = SCHEMED_QUERY_VALUE.exec(quoted)
  ) {
    const [match, rawName = '', scheme = ''] = found;
    const name = decodeComponent(rawName);
    if (!isSecretQueryName(name) || (!KNOWN_SCHEME.test(scheme) && !isAuthorizationName(name))) {
      // The next start is searched from the value on (`?a=b ?token=Bearer x`).
      SCHEMED_QUERY_VALUE.lastIndex = found.index + 1;
      continue;
    }
    CREDENTIAL_REST.lastIndex = found.index + match.length;
    CREDENTIAL_REST.exec(quoted);
    const valueStart = found.index + 1 + rawName.length + 1;
    shown += `${quoted.slice(from, valueStart)}${URL_SECRET}`;
    from = CREDENTIAL_REST.lastIndex;
    SCHEMED_QUERY_VALUE.lastIndex = from;
  }
  return shown + quoted.slice(from);
}

/** Where a query parameter starts: its separator and name, up to its `=`. */
const QUERY_PARAMETER_NAME = /[?&;]([^=&;#?]*)=/g;
/** Where a query parameter's value ends. */
const VALUE_END = /[&#]/g;
/** A value hidden already, with what may follow it in a text. */
const HIDDEN = /^(?:\*\*\*|\[redacted\])['"`)\]>.,;:!?]*$/;
/** The quotes that may open a string holding a URL (`"url":"/x?token=…"`, `url='…'`). */
const QUOTES = new Set(['"', "'", '`']);
/**
 * Where a quoted string that holds a URL ends: its quote, then what may follow a string in JSON or
 * in a sentence (`,`, `:`, `;`, a closing bracket), or the word's end.
 */
const CLOSING_QUOTES: ReadonlyMap<string, RegExp> = new Map(
  [...QUOTES].map((quote) => [quote, new RegExp(`${quote}(?=[,;:)\\]}>]|$)`, 'g')]),
);

/** The backslashes that escape a quote counted up to this: a string's own and a nested one's. */
const MOST_ESCAPES = 4;

/**
 * The closing quotes of the strings a word's queries stand in, found from left to right: each
 * kind is searched from where the last search of it ended, so a word is read once per kind. A
 * string opened by a quote escaped as many times (`\"…\"`, a JSON string inside another) ends at
 * a quote escaped as many times as its opening one: a quote escaped once more in a string (a
 * password's `"` that JSON.stringify wrote as `\"`) does not end it.
 */
class ClosingQuotes {
  private readonly found = new Map<string, { from: number; at: number }>();

  constructor(private readonly word: string) {}

  /** The first closing `quote` escaped `escapes` times at or after `from`, or -1. */
  after(quote: string, escapes: number, from: number): number {
    const kind = `${quote}${escapes}`;
    const known = this.found.get(kind);
    if (known !== undefined && known.from <= from && (known.at === -1 || known.at >= from)) return known.at;
    const closing = CLOSING_QUOTES.get(quote) as RegExp;
    closing.lastIndex = from;
    let at = -1;
    for (let found = closing.exec(this.word); found !== null; found = closing.exec(this.word)) {
      if (escapesBefore(this.word, found.index, from) === escapes) {
        at = found.index;
        break;
      }
    }
    this.found.set(kind, { from, at });
    return at;
  }
}

/** How many backslashes escape the character at `at` (at most MOST_ESCAPES), not before `start`. */
function escapesBefore(text: string, at: number, start = 0): number {
  let count = 0;
  while (count < MOST_ESCAPES && at - count > start && text.charAt(at - count - 1) === '\\') count += 1;
  return count;
}

/**
 * The values of secret-named query parameters replaced: ioredis, for one, takes a URL's
 * `?password=` as the password (`redis://db:6379?password=***`). A value runs to the next `&` or
 * `#`, as URLSearchParams reads it: a `;` in a password is part of it. A query inside a quoted
 * string (`{"url":"/x?token=…","b":1}`, `url='…',`) ends where the string does, at its quote
 * followed by a `,`, `:`, `;`, a closing bracket or the word's end (a JSON escape `\"` included),
 * so what follows the string is shown. With `keepHidden`, a value hidden already stays as it is.
 * A pagination token's value (`&nextToken=`) is no secret and is shown.
 */
export function redactQuery(value: string, keepHidden = false): string {
  if (!value.includes('=')) return value;
  let shown = '';
  let from = 0;
  // The last quote met before the parameter being read, and how far the word was scanned for it.
  let opener = '';
  let openerEscapes = 0;
  let scanned = 0;
  // Where the value being read ends at the latest (its `&` or `#`), -1 for the word's end.
  let nextEnd = 0;
  const closings = new ClosingQuotes(value);
  for (const match of value.matchAll(QUERY_PARAMETER_NAME)) {
    const start = match.index + match[0].length;
    for (; scanned < match.index; scanned++) {
      const character = value.charAt(scanned);
      if (QUOTES.has(character)) {
        opener = character;
        openerEscapes = escapesBefore(value, scanned);
      }
    }
    const name = decodeComponent(match[1] ?? '');
    if (match.index < from || !isSecretQueryName(name)) continue;
    // The next `&` or `#` is searched for again only once the last one found is passed: a text of
    // many values with none after them (each ending at its string's quote) is read once.
    if (nextEnd !== -1 && nextEnd < start) {
      VALUE_END.lastIndex = start;
      nextEnd = VALUE_END.exec(value)?.index ?? -1;
    }
    let valueEnd = nextEnd === -1 ? value.length : nextEnd;
    const closing = opener === '' ? -1 : closings.after(opener, openerEscapes, start);
    if (closing !== -1 && closing < valueEnd)
      valueEnd = Math.max(start, withoutEscapes(value, start, closing));
    // In a query without a scheme, a value hidden already (by the ARN or header rules:
    // `[redacted]`) stays as it is.
    if (keepHidden && HIDDEN.test(value.slice(start, valueEnd))) continue;
    // The text's punctuation after a value of a known shape (see splitSecret) is shown.
    const [, after] = splitSecret(value.slice(start, valueEnd), name);
    shown += `${value.slice(from, start)}${URL_SECRET}${after}`;
    from = valueEnd;
  }
  return shown + value.slice(from);
}

/** Where the backslashes that escape the quote at `quote` (JSON's `\"`) start, not before `start`. */
function withoutEscapes(text: string, start: number, quote: number): number {
  let at = quote;
  while (at > start && text.charAt(at - 1) === '\\') at -= 1;
  return at;
}
