import { splitSecret } from './secretEnd.js';
import { isSecretName } from './secretNames.js';

/**
 * A value written after a secret-looking name in free text: `secretAccessKey=…`,
 * `aws_secret_access_key = …` (a credentials file pasted into a message), `SessionToken: …`,
 * `"password":"…"` (JSON quoted in a message), `Authorization: Bearer …`. The name (at most 64
 * characters, starting a word, possibly in quotes; not a file name's `x.ts:12`, nor a URL query's
 * `?password=` or a path's `/password:`, which redactUrls reads as such) is followed by `=` or
 * `:`; the value runs to whitespace, a `,`, `;`, `&` or a quote, or is quoted whole. Each name
 * start is tried once and takes at most 64 characters, and a value is read once, up to its end or
 * its closing quote: linear in the text.
 */
const NAMED = /(?<![\w.?&/-])(["'`]?)([A-Za-z][\w-]{0,63})\1[ \t]*([=:])[ \t]*((?:Bearer|Basic)[ \t]+)?/g;
/** The value after a name: quoted whole, or a run of what a bare value holds. */
const VALUE = /(["'`])([^"'`\r\n]{0,4096})\1|([^\s,;&"'`]+)/y;

/** A value hidden already, whatever follows it, quoted or not. */
const PLACEHOLDER = /["'`]?(?:\*\*\*|\[redacted\])/y;

/** Names of pagination tokens, which are no secrets (`Invalid NextToken: …`). */
const PAGINATION_TOKEN = /^(?:next|continuation|pagination|page)[_-]?token$/i;

/** An error's name before its message (`ExpiredTokenException: …`), not a secret's. */
const ERROR_NAME = /(?:Exception|Error|Fault)$/;

/** `key` alone is too common a word of messages to be a secret's name (`key=value`, `partition key: …`). */
const LONE_KEY = /^keys?$/i;

/** Words that describe a value rather than being one (`token: expired`). */
const PROSE_VALUE = /^[A-Za-z][a-z]*[.:!?)]*$/;

/**
 * A text with the values of secret-named fields replaced by `replacement`: a name as isSecretName
 * reads it (`password`, `secretAccessKey`, `aws_secret_access_key`, `SessionToken`, `apiKey`; not
 * `key` alone, `partitionKey`, `NextToken` or an error's name, `ExpiredTokenException`) followed by `=` or `:` and a value. A value after
 * `=`, or a quoted one after a quoted name (JSON), is hidden whatever it is. After a bare name and `:`
 * (prose: `Token: expired`, `invalid password: too short`) a single plain word is shown; a value
 * with a digit, a second capital or a sign (`hunter2`, a key) is hidden. A value hidden already
 * (`***`, `[redacted]`) stays; the punctuation after a value of a known shape is shown (see
 * splitSecret).
 */
export function redactNamedValues(text: string, replacement: string): string {
  if (!/[=:]/.test(text)) return text;
  let shown = '';
  let from = 0;
  NAMED.lastIndex = 0;
  for (let named = NAMED.exec(text); named !== null; named = NAMED.exec(text)) {
    const [, nameQuote = '', name = '', separator, scheme] = named;
    // Not a secret's name: its value is searched for names in turn (`profile: password=…`).
    if (LONE_KEY.test(name) || PAGINATION_TOKEN.test(name) || ERROR_NAME.test(name) || !isSecretName(name))
      continue;
    // Checked before a value is read: a value left as it is is searched for names in turn, so
    // reading it whole each time (`password=***password=***…`) would take quadratic time.
    // A value hidden already (`***@db` of a URL's user info, `[redacted]`) stays.
    PLACEHOLDER.lastIndex = NAMED.lastIndex;
    if (PLACEHOLDER.test(text)) continue;
    VALUE.lastIndex = NAMED.lastIndex;
    const found = VALUE.exec(text);
    if (found === null) continue;
    const [, valueQuote, quoted, bare] = found;
    const value = quoted ?? bare ?? '';
    if (value === '') continue;
    // A quoted name is JSON's: its value is hidden when quoted (`"password": got …` is prose).
    if (nameQuote !== '' && valueQuote === undefined) continue;
    // Prose (`Token: expired`): a plain word after a bare name and a colon is shown.
    if (separator === ':' && nameQuote === '' && scheme === undefined && PROSE_VALUE.test(value)) continue;
    const [, trailing] = valueQuote === undefined ? splitSecret(value, name) : ['', valueQuote];
    const valueQuoteShown = valueQuote ?? '';
    shown += `${text.slice(from, found.index)}${valueQuoteShown}${replacement}${trailing}`;
    from = VALUE.lastIndex;
    NAMED.lastIndex = from;
  }
  return shown + text.slice(from);
}
