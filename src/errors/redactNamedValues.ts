import { splitSecret } from './secretEnd.js';
import { isPaginationTokenName, isSecretName } from './secretNames.js';
import { isAuthorizationName, isUnambiguousSecretName } from './unambiguousSecretNames.js';

/**
 * A value written after a secret-looking name in free text: `secretAccessKey=…`,
 * `aws_secret_access_key = …` (a credentials file pasted into a message), `SessionToken: …`,
 * `"password":"…"` (JSON quoted in a message, its quotes possibly escaped: `\"password\":…`),
 * `--password=…`, `Authorization: Bearer …`, `spring.datasource.password=…`. The name (at most
 * 64 characters, or up to 8 such names joined by dots, whose last one is read; starting a word or
 * after a command line's `-` or `--`, possibly in quotes; not a file name's `x.ts:12`, nor a URL
 * query's `?password=` or a path's `/password:`, which redactUrls reads as such) is followed by
 * `=` or `:`, or is a command line's `--name` followed by a space (`--password x`: only an
 * unambiguous name, see isUnambiguousSecretName, and a value that is no other flag). Each name
 * start is tried once and takes at most 64 characters, and a value is read once, up to its end
 * or its closing quote: linear in the text.
 */
const NAMED =
  /(?<![\w.?&/]-{0,2})(\\{0,8}["'`]|)((?:[A-Za-z][\w-]{0,63}\.){0,7}[A-Za-z][\w-]{0,63})\1(?:[ \t]*([=:])[ \t]*|(?<=(?<![\w-])--[\w-]{1,64})[ \t]+)/g;
/**
 * The value after a name: quoted whole (at most 4,096 characters, backslash escapes and other
 * quotes inside it), or else a run up to whitespace, a `,`, `;` or `&` (an opening quote never
 * closed included).
 */
const VALUE = /(\\{0,8}["'`])((?:\\[^\r\n]|[^\\\r\n]){0,4096}?)\1|(["'`]?[^\s,;&"'`][^\s,;&]*)/y;
/** The scheme before a credential (`Bearer …`, `Basic …`), in any case. */
const KNOWN_SCHEME = /(?:bearer|basic)[ \t]+(?=[^\s,;&])/iy;
/** An Authorization header's scheme, whatever its name (`Token …`, `AWS4-HMAC-SHA256 …`). */
const ANY_SCHEME = /[A-Za-z][\w-]{0,31}[ \t]+(?=[^\s,;&])/y;

/** A value hidden already, whatever follows it, quoted or not. */
const PLACEHOLDER = /\\{0,8}["'`]?(?:\*\*\*|\[redacted\])/y;
/** The brackets that close a JSON object or array after a bare value. */
const CLOSING = /[\]}]+$/;
/** What may follow a value alone on its line: blanks, then the line's end or the text's. */
const LINE_END = /[ \t]*(?:\r?\n|$)/y;

/** An error's name before its message (`ExpiredTokenException: …`), not a secret's. */
const ERROR_NAME = /(?:Exception|Error|Fault)$/;

/** `key` alone is too common a word of messages to be a secret's name (`key=value`, `partition key: …`). */
const LONE_KEY = /^keys?$/i;

/** The type of a value rather than a value: `string`, `string|undefined`, `null`. */
const TYPE_VALUE =
  /^(?:string|number|boolean|undefined|null|unknown|Date)(?:\|(?:string|number|boolean|undefined|null|unknown|Date))*$/;

/** Words that describe a value rather than being one (`token: expired`). */
const PROSE_VALUE = /^[A-Za-z][a-z]*[.:!?)]*$/;
/** JSON's literals, shown after a quoted name (`"token": null`). */
const JSON_LITERAL = /^(?:true|false|null)$/;
/** What ends a JSON member's value: blanks, then a `,`, `;`, closing bracket, the line's end or the text's. */
const MEMBER_END = /[ \t]*(?:[,;}\]]|\r?\n|$)/y;

/**
 * A text with the values of secret-named fields replaced by `replacement`: a name as isSecretName
 * reads it (`password`, `secretAccessKey`, `aws_secret_access_key`, `SessionToken`, `apiKey`; not
 * `key` alone, `partitionKey`, `NextToken` or an error's name, `ExpiredTokenException`; of a
 * dotted name, `db.password`, its last part) followed by `=` or `:` and a value. The value after
 * an unambiguous name (see isUnambiguousSecretName: `Password: Summer`), after `=`, or a quoted
 * one after a quoted name (JSON), is hidden whatever it is. After an ambiguous bare name and `:`
 * (prose: `Token: expired`, `credentials: none`), or a quoted name and a bare value that more
 * words follow (`"password": got "…"`, as an option error reads), a single plain word is shown; a
 * value with a digit, a second capital or a sign (`hunter2`, a key) is hidden, and so is a word
 * ending a JSON member after a quoted name (`{"password": Summer}`; not true, false or null). A YAML key alone on its line
 * (`password:`) takes a value alone on the next, more indented line as its value. A value hidden
 * already (`***`, `[redacted]`) stays; the punctuation after a value of a known shape is shown
 * (see splitSecret).
 */
export function redactNamedValues(text: string, replacement: string): string {
  if (!/[=:]|--/.test(text)) return text;
  let shown = '';
  let from = 0;
  NAMED.lastIndex = 0;
  for (let named = NAMED.exec(text); named !== null; named = NAMED.exec(text)) {
    const [, nameQuote = '', dotted = '', separator] = named;
    const name = dotted.slice(dotted.lastIndexOf('.') + 1);
    // Not a secret's name: its value is searched for names in turn (`profile: password=…`).
    if (LONE_KEY.test(name) || isPaginationTokenName(name) || ERROR_NAME.test(name) || !isSecretName(name))
      continue;
    // A flag's value (`--password x`), unless the name is ambiguous or another flag follows.
    if (separator === undefined && (!isUnambiguousSecretName(name) || text.charAt(NAMED.lastIndex) === '-'))
      continue;
    const nextLine = separator === ':' ? yamlValueStart(text, named.index, NAMED.lastIndex) : undefined;
    const scheme = nextLine === undefined ? schemeAt(text, NAMED.lastIndex, name) : 0;
    const start = nextLine ?? NAMED.lastIndex + scheme;
    // Checked before a value is read: a value left as it is is searched for names in turn, so
    // reading it whole each time (`password=***password=***…`) would take quadratic time.
    // A value hidden already (`***@db` of a URL's user info, `[redacted]`) stays.
    PLACEHOLDER.lastIndex = start;
    if (PLACEHOLDER.test(text)) continue;
    VALUE.lastIndex = start;
    const found = VALUE.exec(text);
    if (found === null) continue;
    const [, valueQuote, quoted, bare] = found;
    let value = quoted ?? bare ?? '';
    // A bare value after a quoted name is JSON's (`{"pin": 1234}`): the brackets closing it show.
    const closing = nameQuote !== '' && bare !== undefined ? (CLOSING.exec(value)?.[0].length ?? 0) : 0;
    value = value.slice(0, value.length - closing);
    VALUE.lastIndex -= closing;
    if (value === '') continue;
    // A value on the next line is the key's only when it is alone on its line.
    LINE_END.lastIndex = VALUE.lastIndex;
    if (nextLine !== undefined && !LINE_END.test(text)) continue;
    const afterColon = separator === ':' && scheme === 0;
    // A type (`secretAccessKey: string`, as an option error describes the object it expects).
    if (afterColon && valueQuote === undefined && TYPE_VALUE.test(value)) continue;
    // Prose (`Token: expired`, `"password": got …`): a plain word after an ambiguous bare name,
    // or a bare one after a quoted name that more words follow, is shown; a word ending a JSON
    // member (`{"password": Summer}`) is its value, unless one of JSON's literals.
    const prose =
      afterColon &&
      (nameQuote === ''
        ? !isUnambiguousSecretName(name)
        : valueQuote === undefined && (JSON_LITERAL.test(value) || !endsMember(text, VALUE.lastIndex)));
    if (prose && PROSE_VALUE.test(value)) continue;
    const [, trailing] = valueQuote === undefined ? splitSecret(value, name) : ['', valueQuote];
    const valueQuoteShown = valueQuote ?? '';
    shown += `${text.slice(from, found.index)}${valueQuoteShown}${replacement}${trailing}`;
    from = VALUE.lastIndex;
    NAMED.lastIndex = from;
  }
  return shown + text.slice(from);
}

/**
 * Where the value of a YAML key alone on its line (`  password:`, `- password:`; the name starts
 * at `nameStart`, its colon and blanks end at `end`) starts on the next line, if that line is
 * indented more than the key; undefined otherwise. Reads only the blanks around the key and the
 * next line's indentation, each belonging to this one key: linear in the text.
 */
function yamlValueStart(text: string, nameStart: number, end: number): number | undefined {
  const newline = text.startsWith('\r\n', end) ? 2 : text.charAt(end) === '\n' ? 1 : 0;
  if (newline === 0) return undefined;
  let lineStart = nameStart;
  while (lineStart > 0 && ' \t-'.includes(text.charAt(lineStart - 1))) lineStart -= 1;
  if (lineStart > 0 && text.charAt(lineStart - 1) !== '\n') return undefined;
  let value = end + newline;
  while (text.charAt(value) === ' ' || text.charAt(value) === '\t') value += 1;
  return value - (end + newline) > nameStart - lineStart ? value : undefined;
}

/** Whether the value ending at `index` ends its JSON member (blanks, then `,`, `}`, `]` or a line's end). */
function endsMember(text: string, index: number): boolean {
  MEMBER_END.lastIndex = index;
  return MEMBER_END.test(text);
}

/** The length of the scheme at `index` that a credential follows (`Bearer `), or 0. */
function schemeAt(text: string, index: number, name: string): number {
  const scheme = isAuthorizationName(name) ? ANY_SCHEME : KNOWN_SCHEME;
  scheme.lastIndex = index;
  return scheme.exec(text)?.[0].length ?? 0;
}
